"""The historical reforms 2010-2019 as policies (policies/historical.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


START_2011 = dt.date(2011, 1, 1)


def _regime(date: dt.date):
    """The law files' regime on ``date``, on a clock that starts on 1 January 2011."""
    from sim.law import compile_regime

    return compile_regime(lawbook.base().snapshot(date), (date - START_2011).days / 7, date)


def _week(day: str) -> float:
    return (dt.date.fromisoformat(day) - START_2011).days / 7


@pytest.mark.parametrize("entry, end", [
    # begun before 1 July 2010: 4 years, but by 1 July 2012 at the latest, and that end
    # falls in the extension's window (second half of 2012): 26 weeks more
    ("2009-07-01", 26 + _week("2012-07-01")),
    # begun in 2008-08: 4 years would end 2012-07-27; the extension stops at 4 years in all
    ("2008-08-01", 208 + _week("2008-08-01")),
    # begun in January 2008: its 4 years end in December 2011, before the window
    ("2008-01-01", 208 + _week("2008-01-01")),
    # begun after the reform: 2 years, ending 2012-09-27, in the window: 26 weeks more
    ("2010-10-01", 104 + 26 + _week("2010-10-01")),
    # 2 years from March 2011 end in February 2013, after the window
    ("2011-03-01", 104 + _week("2011-03-01")),
])
def test_the_dagpenge_period_under_the_2010_reform_s_transitional_rule(entry, end):
    """Lov nr. 703 af 25. juni 2010 § 2, stk. 2 and the temporary extension of 2012
    (policies/params/time_limits.yaml), exact in weeks of the clock."""
    assert _regime(dt.date(2012, 4, 1)).dagpenge_end(_week(entry)) == pytest.approx(
        end, abs=1e-9)


def test_before_the_extension_was_passed_the_transitional_rule_ends_on_1_july_2012():
    regime = _regime(dt.date(2011, 1, 1))
    assert regime.dagpenge_end(_week("2009-07-01")) == pytest.approx(_week("2012-07-01"))
    assert regime.dagpenge_end(_week("2010-10-01")) == pytest.approx(104 + _week("2010-10-01"))


def test_under_the_2024_law_a_dagpenge_period_lasts_two_years():
    regime = _regime(dt.date(2024, 1, 1))
    for day in ("2022-03-01", "2023-06-15", "2024-01-01"):
        assert regime.dagpenge_end(_week(day)) == pytest.approx(104 + _week(day))


def test_the_2011_dagpenge_stock_holds_periods_longer_than_the_new_limit():
    """The stock placed on 1 January 2011 includes periods begun under the 4-year rule
    (more than 104 weeks elapsed, none of 208 or more); a 2024 stock none over 104."""
    from sim.groups import GROUP_INDEX
    from sim.population import stock_samplers

    rng = np.random.default_rng(11)
    g = GROUP_INDEX["dagpenge"]
    for date, longest in ((dt.date(2011, 1, 1), 208), (dt.date(2024, 1, 1), 104)):
        regime = _regime(date)
        sampler = stock_samplers(regime, regime.start_week)[g]
        elapsed = np.array([sampler.draw(u, v)[1] for u, v in rng.random((4000, 2))])
        assert elapsed.max() < longest
        if longest == 208:
            assert (elapsed > 104).mean() > 0.05
