"""Machinery shared by the API simulators: serving, rate limits, latency, faults, request log, admin routes."""

from simulators.core.admin import RecordStore, build_admin_app
from simulators.core.config import SimulatorConfig, add_common_arguments, common_options, parse_fault_spec
from simulators.core.faults import DroppedConnection, FaultInjector, FaultKind, FaultRule
from simulators.core.latency import LatencyModel, LatencySettings
from simulators.core.middleware import ErrorReply, RequestContext, SimulatorMiddleware, request_context
from simulators.core.ratelimit import (
    FixedWindowLimiter,
    RateDecision,
    RateLimiter,
    SlidingWindowLimiter,
    Unlimited,
)
from simulators.core.requestlog import RequestEntry, RequestLog
from simulators.core.responses import JSON_MEDIA_TYPE, json_response
from simulators.core.server import BackgroundServer, serve_foreground

__all__ = [
    "BackgroundServer",
    "DroppedConnection",
    "ErrorReply",
    "FaultInjector",
    "FaultKind",
    "FaultRule",
    "FixedWindowLimiter",
    "JSON_MEDIA_TYPE",
    "LatencyModel",
    "LatencySettings",
    "RateDecision",
    "RateLimiter",
    "RecordStore",
    "RequestContext",
    "RequestEntry",
    "RequestLog",
    "SimulatorConfig",
    "SimulatorMiddleware",
    "SlidingWindowLimiter",
    "Unlimited",
    "add_common_arguments",
    "build_admin_app",
    "common_options",
    "json_response",
    "parse_fault_spec",
    "request_context",
    "serve_foreground",
]
