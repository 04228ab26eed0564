"""Named rules that a policy can replace (design principle 4).

A *hook* is a decision point of the engine: where a recipient goes at a time limit,
the rehabiliteringsteam's decision, the contact course of a stay, and so on. Each
hook has the current law's rule, registered under the name ``current_law``, and may
have alternatives registered by policies. Which rule is in force is an ordinary dated
parameter, ``rules.<hook>`` (policies/params/rules.yaml), so a replacement has an
effective date, a scope and a place in the policy tables like any parameter change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# hook -> what it decides and the signature its rules have.
HOOKS: dict[str, str] = {
    "time_limit": "where a recipient goes at a time limit (dagpenge exhaustion, sygedagpenge "
                  "revurdering, end of ressourceforløb): "
                  "fn(citizen, group, now, regime, n) -> (moved, group index or exit) | None",
    "rehabilitation_route": "the rehabiliteringsteam's decision: "
                            "fn(citizen, now, regime, n) -> group index or exit name",
    "visitation": "the group a citizen actually enters, given the group the flow points to "
                  "(inflow, re-entry, transition): fn(citizen, group, now, regime, n) -> "
                  "group index or exit name",
    "contact_clock": "the week a stay's contact course counts from: "
                     "fn(citizen, entry, regime) -> week",
    "offer_timing": "the first ret og pligt deadline of a stay: "
                    "fn(citizen, group, entry, regime) -> week",
    "sanction_decision": "whether a no-show is sanctioned: "
                         "fn(casework, citizen, k, u, p_decide) -> bool",
}


@dataclass(frozen=True)
class Rule:
    hook: str
    name: str
    fn: Callable
    description: str
    source: str


_RULES: dict[str, dict[str, Rule]] = {hook: {} for hook in HOOKS}


def rule(hook: str, name: str, description: str, source: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as rule ``name`` of ``hook``."""
    if hook not in HOOKS:
        raise ValueError(f"unknown rule hook {hook!r}; known: {', '.join(HOOKS)}")

    def register(fn: Callable) -> Callable:
        known = _RULES[hook].get(name)
        if known is not None and known.fn is not fn:
            raise ValueError(f"rule {hook}.{name} is registered twice")
        _RULES[hook][name] = Rule(hook, name, fn, description, source)
        return fn

    return register


def rules_of(hook: str) -> dict[str, Rule]:
    """The registered rules of ``hook`` by name (the engine's and the policies')."""
    import policies.rules  # noqa: F401  (registers the alternatives in the catalogue)
    import sim.citizen  # noqa: F401  (registers the current law's rules)
    import sim.process  # noqa: F401

    return dict(sorted(_RULES[hook].items()))


def resolve(hook: str, name: str) -> Callable:
    """The function of rule ``name`` at ``hook``; KeyError with the allowed names."""
    known = rules_of(hook)
    if name not in known:
        raise KeyError(f"a registered rule for {hook}: " + ", ".join(known))
    return known[name].fn


@dataclass(frozen=True)
class RuleSet:
    """The rule in force at every hook in one regime."""

    time_limit: Callable
    rehabilitation_route: Callable
    visitation: Callable
    contact_clock: Callable
    offer_timing: Callable
    sanction_decision: Callable
    names: tuple[tuple[str, str], ...]

    @classmethod
    def from_names(cls, names: dict[str, str]) -> RuleSet:
        missing = set(HOOKS) - set(names)
        if missing:
            raise KeyError(f"rules.{sorted(missing)[0]} is not set")
        fns = {hook: resolve(hook, str(names[hook])) for hook in HOOKS}
        return cls(**fns, names=tuple(sorted((h, str(names[h])) for h in HOOKS)))
