"""The effort cost per full-time person by group against the expert group's table
(calibration/effort.py, the ``effort_per_ft`` checks of calibration/targets/fit_targets.csv).

The table (1,000 kr per FT: uddannelseshjælp 71, ressourceforløb 54, kontanthjælp 48,
jobafklaring 44, dagpenge 28, sygedagpenge 23, ledighedsydelse+fleksjob 7; whole target
group 40) is compared at the 2024 budget's level: (11,370 - 630 job- og seniorpræmie)
mio. kr / 300,000 FT = 35.8, so each value x 35.8 / 40 = 0.895.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration import PARAMS_DIR, effort
from calibration.targets import derive

GOAL = {"uddannelseshjaelp": 71 * 0.895, "ressourceforloeb": 54 * 0.895,
        "kontanthjaelp": 48 * 0.895, "jobafklaring": 44 * 0.895, "dagpenge": 28 * 0.895,
        "sygedagpenge": 23 * 0.895, "ledighedsydelse_fleksjob": 7 * 0.895}
# Scale of the baseline check: at 0.05 the deviations move by about 1 percentage point
# between seeds (measured with earlier weights: 20240101, 1, 2, 3: dagpenge -6.1 to
# -7.3 %, ledighedsydelse+fleksjob -0.5 to +2.3 %); the largest now, dagpenge's, is about
# -7 % at the fit's seed, inside the 10 % tolerance.
CHECK_SCALE = 0.05


def test_the_targets_are_the_table_at_the_2024_budget_level():
    t = derive()
    t = t[t["metric"] == "effort_per_ft"].set_index("group")
    assert list(t.index) == list(GOAL)
    for group, value in GOAL.items():
        assert t.loc[group, "value"] == pytest.approx(value, abs=1e-4), group
    # The weights of the other jobcentre operations were fitted to them: not independent.
    assert (t["tolerance"] == 0.10).all() and (t["use"] == "cost_fit").all()


def _tables(rows: list[tuple], ft: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    fin = pd.DataFrame([(r, 2024, g, i, p, v) for r in (0, 1) for g, i, p, v in rows],
                       columns=["replication", "year", "group", "item", "payer", "mio_kr"])
    st = pd.DataFrame([(r, 2024, g, f) for r in (0, 1) for g, f in ft.items()],
                      columns=["replication", "year", "group", "fulltime_persons"])
    return fin, st


def test_effort_is_every_budget_item_of_the_group_s_members_over_their_persons():
    fin, st = _tables([("kontanthjaelp_jobparat", "activation", "gross", 30.0),
                       ("kontanthjaelp_jobparat", "activation", "state", 99.0),
                       ("kontanthjaelp_jobparat", "benefit", "gross", 500.0),
                       ("kontanthjaelp_aktivitetsparat", "conversations", "gross", 10.0),
                       ("kontanthjaelp_aktivitetsparat", "personal_assistance", "gross", 2.0),
                       ("fleksjob", "personal_assistance", "gross", 1.0)],
                      {"kontanthjaelp_jobparat": 600.0, "kontanthjaelp_aktivitetsparat": 400.0,
                       "fleksjob": 1_000.0, "ledighedsydelse": 0.0})
    out = effort.by_group(fin, st).set_index("group")
    # Gross only, benefit left out, mean over the two replications: 42 mio. kr / 1,000 FT.
    assert out.loc["kontanthjaelp", "mio_kr"] == pytest.approx(42.0)
    assert out.loc["kontanthjaelp", "kr1000_per_ft"] == pytest.approx(42.0)
    assert out.loc["ledighedsydelse_fleksjob", "kr1000_per_ft"] == pytest.approx(1.0)
    assert np.isnan(out.loc["dagpenge", "kr1000_per_ft"])
    assert "benefit" not in effort.EFFORT_ITEMS and "jobcentre_other" in effort.EFFORT_ITEMS


GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat",
          "uddannelseshjaelp_uddannelsesparat", "uddannelseshjaelp_aktivitetsparat",
          "sygedagpenge", "jobafklaring", "ressourceforloeb", "revalidering", "ledighedsydelse",
          "fleksjob", "foertidspension")
START = {g: (0.0 if g in ("fleksjob", "foertidspension") else 1.0) for g in GROUPS}


def _synthetic(truth: dict[str, float], other_total: float = 20.0):
    """A run with the weights START: every group 1,000 FT, ``other_total`` mio. kr of other
    operations spread by START, and each group's other items set so that ``truth`` (with
    the same weighted FT) meets the goals exactly."""
    ft = 1_000.0
    weighted = sum(START.values()) * ft
    rows = [(g, "jobcentre_other", "gross", other_total * START[g] * ft / weighted)
            for g in GROUPS]
    for name, (_, members) in effort.TABLE_GROUPS.items():
        other_true = sum(other_total * truth[g] * ft / weighted for g in members)
        fixed = GOAL[name] * len(members) * ft / 1e3 - other_true
        rows += [(g, "activation", "gross", fixed / len(members)) for g in members]
    return _tables(rows, dict.fromkeys(GROUPS, ft))


def test_the_weight_fit_finds_the_weights_that_meet_the_table_and_keeps_the_total():
    truth = {**START, "uddannelseshjaelp_uddannelsesparat": 2.0,
             "uddannelseshjaelp_aktivitetsparat": 2.0, "dagpenge": 0.6, "sygedagpenge": 0.9,
             "ledighedsydelse": 0.5}
    # Keep the weighted FT of START (10,000): kontanthjælp takes up the rest.
    rest = 10.0 - sum(w for g, w in truth.items() if not g.startswith("kontanthjaelp"))
    truth.update(kontanthjaelp_jobparat=rest / 2, kontanthjaelp_aktivitetsparat=rest / 2)
    fin, st = _synthetic(truth)
    fitted = effort.fit_weights(fin, st, START, floor=0.5)
    for g, w in truth.items():
        assert fitted[g] == pytest.approx(w, abs=1e-3), g
    assert sum(fitted.values()) == pytest.approx(sum(START.values()))


def test_a_group_that_needs_less_than_the_floor_stays_at_the_floor():
    fin, st = _synthetic(START)
    # Sygedagpenge's own items 5 mio. kr above its goal: it would need a negative weight.
    fin.loc[(fin["group"] == "sygedagpenge") & (fin["item"] == "activation"), "mio_kr"] += 5.0
    fitted = effort.fit_weights(fin, st, START, floor=0.5)
    assert fitted["sygedagpenge"] == pytest.approx(0.5, abs=1e-6)
    assert min(fitted[g] for g in GROUPS if START[g]) >= 0.5 - 1e-9
    assert fitted["fleksjob"] == fitted["foertidspension"] == 0.0


@pytest.fixture(scope="module")
def baseline_effort() -> pd.DataFrame:
    fin, st = effort.baseline_tables(CHECK_SCALE, 20240101, 1, workers=1)
    return effort.compare(effort.by_group(fin, st)).set_index("group")


@pytest.mark.parametrize("group", list(GOAL))
def test_the_baseline_effort_per_ft_is_within_10_percent_of_the_table(baseline_effort, group):
    """Current law 2024 at scale 0.05 (seed 20240101): each group's effort cost per FT
    within +-10 % of the table at the 2024 level (sygedagpenge was +16 % before the split
    of its activation with jobafklaring was fitted: calibration/activation_split.py)."""
    row = baseline_effort.loc[group]
    assert abs(row["deviation"]) <= 0.10, (group, row["kr1000_per_ft"], row["value"])


def test_the_fitted_split_of_sygedagpenge_and_jobafklaring_is_in_both_starts():
    """VIVE pools the two groups, and the calibration moves their take-ups by one factor,
    so the ratio fitted by calibration.activation_split (3.5) must be in the fitted
    values and in the hand start (a calibration from either keeps it)."""
    from calibration import activation_split as split
    from sim import lawbook

    fitted = lawbook.base().value(split.TAKEUP_LEAF, dt.date(2024, 1, 1))
    assert fitted[split.HIGH] / fitted[split.LOW] == pytest.approx(3.5, abs=0.01)
    hand = yaml.safe_load((PARAMS_DIR / "process.yaml").read_text(encoding="utf-8"))
    start = hand["takeup_per_week"]["values"][dt.date(2000, 1, 1)]
    assert start[split.HIGH] / start[split.LOW] == pytest.approx(3.5, abs=0.01)


def test_the_split_search_keeps_the_pooled_share_of_weeks_in_an_offer():
    """At a new ratio the two take-ups' level is searched so the pooled share of weeks in
    an offer stays the current law's (scale 0.02: within 0.5 percentage point)."""
    from calibration import activation_split as split
    from sim import lawbook

    takeup = dict(lawbook.base().value(split.TAKEUP_LEAF, dt.date(2024, 1, 1)))
    runs = (0.02, 20240101, 1, 1)
    *_, share = split.pooled_run(takeup, *runs)
    trial, _, got = split.at_ratio(takeup, 2.0, share, runs)
    assert trial[split.HIGH] / trial[split.LOW] == pytest.approx(2.0, abs=0.01)
    assert abs(got - share) < 0.005, (got, share)
    # A lower ratio than the stored 3.5 gives sygedagpenge more offers, jobafklaring fewer.
    assert trial[split.LOW] > takeup[split.LOW] and trial[split.HIGH] < takeup[split.HIGH]
    assert {g: v for g, v in trial.items() if g not in (split.LOW, split.HIGH)} == \
        {g: v for g, v in takeup.items() if g not in (split.LOW, split.HIGH)}
