"""Named rules at the engine's decision points, stacked as a reform stacks on its law
(design principle 4).

A *hook* is a decision point of the engine: where a recipient goes at a time limit,
the rehabiliteringsteam's decision, the contact course of a stay, and so on. Which
rules decide there is an ordinary dated parameter, ``rules.<hook>``
(policies/params/rules.yaml): a *stack* of registered rule names, top first, e.g.
``[jobhjaelp_repeated_only, current_law]``. The top rule is asked first:

- a *complete* rule always decides (the current law's rules are complete; a rule that
  replaces the law's outright is complete too, and shadows what lies below it);
- a *layer* rule decides where it has something to say and otherwise hands the
  question to the rule below it, which it receives as the keyword ``below``.

So two recommendations that change one hook for different people stack in either
order, without a hand-written combined rule. The bottom rule of the visitation stack
also stands alone as the *assessment*: the group the current law puts a person in,
which is their behavioural profile (sim/citizen.py) when a reform pays them elsewhere.
A policy puts a rule on top with :func:`on_top`; the stack is a parameter, so it has an
effective date, a scope and a place in the policy tables like any other value.

This module is the registry only. The rules themselves live with the law
(policies/current_law.py, policies/rules.py) and register on import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

# hook -> what it decides and the signature its rules have (layers add ``below``).
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
    layer: bool  # hands over to the rule below where it does not decide


_RULES: dict[str, dict[str, Rule]] = {hook: {} for hook in HOOKS}


def rule(hook: str, name: str, description: str, source: str, layer: bool = False
         ) -> Callable[[Callable], Callable]:
    """Register the decorated function as rule ``name`` of ``hook``. A ``layer`` rule
    takes the rule below it as the keyword argument ``below``."""
    if hook not in HOOKS:
        raise ValueError(f"unknown rule hook {hook!r}; known: {', '.join(HOOKS)}")

    def register(fn: Callable) -> Callable:
        known = _RULES[hook].get(name)
        if known is not None and known.fn is not fn:
            raise ValueError(f"rule {hook}.{name} is registered twice")
        _RULES[hook][name] = Rule(hook, name, fn, description, source, layer)
        return fn

    return register


def check_stack(hook: str, names: object) -> tuple[str, ...]:
    """The stack ``names`` (a list of rule names, top first) as a tuple; ValueError with
    what is allowed when a name is unknown or the bottom rule is a layer."""
    if hook not in HOOKS:
        raise ValueError(f"a rule hook: {', '.join(HOOKS)}")
    known = _RULES[hook]
    if not isinstance(names, list | tuple) or not names or \
            not all(isinstance(n, str) for n in names):
        raise ValueError("a list of rule names, top first, ending in a complete rule: "
                         + ", ".join(known))
    for name in names:
        if name not in known:
            raise ValueError(f"a registered rule of {hook}: " + ", ".join(known))
    if known[names[-1]].layer:
        complete = [n for n, r in known.items() if not r.layer]
        raise ValueError(f"a stack ending in a complete rule ({', '.join(complete)}); "
                         f"{names[-1]} is a layer")
    return tuple(names)


_COMPOSED: dict[tuple[str, tuple[str, ...]], Callable] = {}


def compose(hook: str, names: tuple[str, ...]) -> Callable:
    """One callable for a stack: the top rule, with the rule below bound as ``below``
    when it is a layer. A stack that starts with a complete rule is that rule's own
    function (no wrapping, so the current law costs nothing extra). Cached, so equal
    stacks give the same object."""
    key = (hook, names)
    fn = _COMPOSED.get(key)
    if fn is None:
        top = _RULES[hook][names[0]]
        fn = partial(top.fn, below=compose(hook, names[1:])) if top.layer else top.fn
        _COMPOSED[key] = fn
    return fn


@dataclass(frozen=True)
class OnTop:
    """The value of a change that puts rule ``name`` on top of a hook's stack as the
    law has it on the change's date (moved to the top if it is already in it)."""

    name: str

    def onto(self, stack: list[str]) -> list[str]:
        return [self.name] + [n for n in stack if n != self.name]


def on_top(hook: str, name: str) -> tuple[str, OnTop]:
    """(path, value) of a parameter change that stacks rule ``name`` at ``hook``."""
    return f"rules.{hook}", OnTop(name)


@dataclass(frozen=True)
class RuleSet:
    """The composed rule stack in force at every hook in one regime. Two rule sets are
    equal when their stacks are (so an unchanged stack is no regime boundary)."""

    names: tuple[tuple[str, tuple[str, ...]], ...]
    time_limit: Callable = field(compare=False)
    rehabilitation_route: Callable = field(compare=False)
    visitation: Callable = field(compare=False)
    contact_clock: Callable = field(compare=False)
    offer_timing: Callable = field(compare=False)
    sanction_decision: Callable = field(compare=False)
    # The bottom of the visitation stack alone: the group the current law assesses a
    # person to (their profile), whatever the layers above it change about who pays.
    assessment: Callable = field(compare=False)

    @classmethod
    def from_stacks(cls, stacks: dict[str, list[str]]) -> RuleSet:
        missing = set(HOOKS) - set(stacks)
        if missing:
            raise KeyError(f"rules.{sorted(missing)[0]} is not set")
        checked = {hook: check_stack(hook, stacks[hook]) for hook in HOOKS}
        return cls(names=tuple(sorted(checked.items())),
                   assessment=compose("visitation", checked["visitation"][-1:]),
                   **{hook: compose(hook, names) for hook, names in checked.items()})
