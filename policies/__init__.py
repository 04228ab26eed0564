"""The law: dated parameters (params/) and the registry of named policies."""

from pathlib import Path

from policies.registry import Member, ParameterChange, Policy, get, register, registered

PARAMS_DIR = Path(__file__).parent / "params"

__all__ = ["PARAMS_DIR", "Member", "ParameterChange", "Policy", "get", "register", "registered"]
