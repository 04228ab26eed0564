"""The historical reforms 2010-2019 as policies (policies/historical.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.historical import DECADE_END, FROZEN_FROM, HISTORICAL_ORDER, REFORMS
from sim import lawbook
from sim.experiment import PolicyRef
from sim.scenario import applied_policies, law_of

DATES = [dt.date(y, m, 1) for y in range(2009, 2026) for m in (1, 4, 7, 10)]


def law(names: list[str]):
    return law_of(applied_policies([PolicyRef(name=n) for n in names], "test", "test"), {},
                  "test", "test")


def owned_paths() -> list[str]:
    return sorted({p for r in REFORMS for p, _ in r.changes})


def test_2010_law_plus_the_reforms_in_order_is_the_law_files():
    base, rebuilt = lawbook.base(), law(["law_of_2010", *HISTORICAL_ORDER])
    for path in owned_paths():
        for d in DATES:
            assert rebuilt.value(path, d) == base.value(path, d), (path, d)


def test_2010_law_freezes_the_decade_and_leaves_the_rest():
    base, frozen = lawbook.base(), law(["law_of_2010"])
    for path in owned_paths():
        for d in DATES:
            expected = base.value(path, FROZEN_FROM) if FROZEN_FROM <= d < DECADE_END \
                else base.value(path, d)
            assert frozen.value(path, d) == expected, (path, d)
    assert frozen.value("time_limits.dagpenge.max_weeks", dt.date(2015, 1, 1)) == 208
    assert frozen.value("time_limits.sygedagpenge.revurdering_week", dt.date(2018, 1, 1)) == 52
    assert frozen.value("time_limits.foertidspension.min_age", dt.date(2016, 1, 1)) == 18


@pytest.mark.parametrize("left_out", HISTORICAL_ORDER)
def test_leaving_one_reform_out_changes_only_its_parameters(left_out):
    reform = next(r for r in REFORMS if r.name == left_out)
    full = law(["law_of_2010", *HISTORICAL_ORDER])
    without = law(["law_of_2010", *[n for n in HISTORICAL_ORDER if n != left_out]])
    changed = {p for p in owned_paths()
               if any(full.value(p, d) != without.value(p, d) for d in DATES)}
    base = lawbook.base()
    # Some dated values only record that the rule was re-enacted with the same value.
    assert changed == {p for p, d in reform.changes
                       if base.value(p, d) != base.value(p, FROZEN_FROM)}
    assert changed, f"{left_out} changes nothing"


def test_the_2014_sygedagpenge_reform_in_the_counterfactual():
    without = law(["law_of_2010", *[n for n in HISTORICAL_ORDER
                                    if n != "sygedagpenge_reform_2014"]])
    assert without.value("time_limits.sygedagpenge.revurdering_week", dt.date(2019, 1, 1)) == 52
    assert without.value("time_limits.sygedagpenge.next_group",
                         dt.date(2019, 1, 1)) == "kontanthjaelp_aktivitetsparat"
    # After the decade the law files' later values hold again.
    assert without.value("time_limits.sygedagpenge.revurdering_week", dt.date(2021, 1, 1)) == 22
