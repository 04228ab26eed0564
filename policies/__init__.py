"""The law: dated parameters (params/) and the registry of named policies."""

# Importing the package registers the law: the current law's and the reforms' rules at the
# engine's hooks, and the built-in policies.
import policies.catalogue  # noqa: F401
import policies.current_law  # noqa: F401
import policies.rules  # noqa: F401
from policies.registry import Member, ParameterChange, Policy, get, register, registered
from sim.lawbook import LAW_DIR as PARAMS_DIR

__all__ = ["PARAMS_DIR", "Member", "ParameterChange", "Policy", "get", "register", "registered"]
