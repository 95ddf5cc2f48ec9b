"""A simulated Hivestr API (/api/v1): deterministic pt-BR media-owner data at any scale, JWT auth, an hourly
request budget, faults, latency and changes, on top of simulators.core."""

from simulators.hivestr.config import API_PREFIX, DEFAULT_API_KEY, DEFAULT_API_SECRET, HivestrConfig
from simulators.hivestr.simulator import HivestrSimulator

__all__ = ["API_PREFIX", "DEFAULT_API_KEY", "DEFAULT_API_SECRET", "HivestrConfig", "HivestrSimulator"]
