"""Refuse to send credentials over plain http, except to this machine (simulators, tunnels)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import httpx

from sources.http.errors import insecure_url_error


def require_secure_base_url(base_url: str, hints: Mapping[str, str]) -> httpx.URL:
    """The parsed URL if it is https, or http on a loopback host; otherwise InsecureUrlError."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        raise insecure_url_error(base_url, hints) from None
    if url.host and (url.scheme == "https" or (url.scheme == "http" and is_loopback_host(url.host))):
        return url
    raise insecure_url_error(base_url, hints)


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
