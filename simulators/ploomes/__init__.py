"""A simulated Ploomes API (OData v4): deterministic pt-BR data at any scale, faults, rate limits, mutations."""

from simulators.ploomes.config import DEFAULT_API_KEY, PloomesConfig
from simulators.ploomes.simulator import PloomesSimulator

__all__ = ["DEFAULT_API_KEY", "PloomesConfig", "PloomesSimulator"]
