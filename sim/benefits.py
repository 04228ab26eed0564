"""What a person is paid in each group: the benefit rules by prior earnings and family
status (policies/params/benefit_rates.yaml) applied to the person's characteristics
(calibration/params/population.yaml, drawn once: sim/model.py).

Three kinds of benefit:

* **by prior earnings** (``income_replacement`` lists them: dagpenge, sygedagpenge,
  ledighedsydelse): ``min(weekly_rate, replacement x prior weekly earnings)``; the
  group's ``weekly_rate`` is the maximum (*højeste sats*);
* **by family status** (``family_groups``: kontanthjælp, jobafklaring,
  ressourceforløb): a provider (*forsørger*) gets ``provider_ratio`` times a
  non-provider's rate, scaled so the average over the persons' ``provider_share`` is
  the group's ``weekly_rate`` (the observed average);
* **flat**: ``weekly_rate`` for everyone (uddannelseshjælp, revalidering, fleksjob,
  førtidspension).

A person's *benefit class* (earnings band x provider) indexes the table; the class
:data:`REFERENCE` is the group's ``weekly_rate`` itself, for records of no particular
person (a hand-made costing path).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sim.clock import WEEKS_PER_YEAR
from sim.groups import GROUPS

BANDS = ("low", "middle", "high")  # prior earnings bands (population.earnings)
N_CLASSES = 2 * len(BANDS)  # a band x (non-provider, provider)
REFERENCE = N_CLASSES  # the group's weekly_rate: no person's characteristics
MONTHS_PER_YEAR = 12.0
# The persons' parameters the rates read besides benefit_rates (changes to them are
# finance changes too: sim/finance_law.py).
PERSON_LEAVES = ("population.earnings", "population.provider_share")


def benefit_class(band: int, provider: bool) -> int:
    """The class of a person in earnings band ``band`` (index into BANDS)."""
    return 2 * band + (1 if provider else 0)


def class_label(k: int) -> str:
    """``low``, ``low, provider``, ... or ``reference``."""
    if k == REFERENCE:
        return "reference"
    return BANDS[k // 2] + (", provider" if k % 2 else "")


def rate_table(weekly: Sequence[float], replacement: Mapping[str, float],
               family_groups: Sequence[str], provider_ratio: float,
               earnings: Mapping[str, float], provider_share: float
               ) -> tuple[tuple[float, ...], ...]:
    """Weekly benefit (kr) by [class][group], the reference class last.

    ``weekly``: the groups' ``benefit_rates.weekly_rate`` in GROUPS order;
    ``earnings``: prior monthly earnings by band (population.earnings)."""
    for name in (*replacement, *family_groups):
        if name not in GROUPS:
            raise ValueError(f"unknown group {name!r} in benefit_rates; known: "
                             f"{', '.join(GROUPS)}")
    both = set(replacement) & set(family_groups)
    if both:
        raise ValueError(f"{sorted(both)} both follow earnings and family status")
    if sorted(earnings) != sorted(BANDS):
        raise ValueError(f"population.earnings needs the bands {', '.join(BANDS)}, "
                         f"got {', '.join(earnings)}")
    mean_factor = 1.0 + provider_share * (provider_ratio - 1.0)
    rows = []
    for band in BANDS:
        weekly_earnings = float(earnings[band]) * MONTHS_PER_YEAR / WEEKS_PER_YEAR
        for provider in (False, True):
            family = (provider_ratio if provider else 1.0) / mean_factor
            row = []
            for g, name in enumerate(GROUPS):
                w = float(weekly[g])
                if name in replacement:
                    w = min(w, float(replacement[name]) * weekly_earnings)
                elif name in family_groups:
                    w *= family
                row.append(w)
            rows.append(tuple(row))
    rows.append(tuple(float(w) for w in weekly))
    return tuple(rows)


def rates_read(value: Callable[[str], Any]) -> tuple[tuple[float, ...], ...]:
    """:func:`rate_table` from the parameters, read by dotted path with ``value``."""
    earnings, share = PERSON_LEAVES
    return rate_table([value(f"benefit_rates.weekly_rate.{g}") for g in GROUPS],
                      value("benefit_rates.income_replacement"),
                      value("benefit_rates.family_groups"),
                      float(value("benefit_rates.provider_ratio")), value(earnings),
                      float(value(share)))


def rates_of(snapshot: Mapping) -> tuple[tuple[float, ...], ...]:
    """:func:`rate_table` from a parameter snapshot (``ParameterTree.snapshot``)."""

    def value(path: str) -> Any:
        node = snapshot
        for key in path.split("."):
            node = node[key]
        return node

    return rates_read(value)
