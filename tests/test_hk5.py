"""The activation cost (HK5) per full-time person by group against VIVE's 2019 profile, and
the fit of every group's price to it (calibration/hk5.py).

VIVE 2019 (calibration/targets/hk5_unit_costs.csv, stocks_fulltime_persons.csv T5.4), kr
per FT and FT: dagpenge 9,075 / 80,929; kontanthjælp+uddannelseshjælp 20,425 / 104,157;
revalidering 49,429 / 4,024; ledighedsydelse 11,908 / 15,840; sygedagpenge incl.
jobafklaring 8,950 / 91,102; ressourceforløb 30,142 / 22,884; the six groups' mean
4,754.4 mio. kr / 318,936 FT = 14,907.4 kr, so sygedagpenge incl. jobafklaring is 0.6004 of it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from calibration import hk5

VIVE = {"dagpenge": (9_075, 80_929), "kontanthjaelp_uddannelseshjaelp": (20_425, 104_157),
        "revalidering": (49_429, 4_024), "ledighedsydelse": (11_908, 15_840),
        "sygedagpenge_jobafklaring": (8_950, 91_102), "ressourceforloeb": (30_142, 22_884)}
MEAN = sum(k * f for k, f in VIVE.values()) / sum(f for _, f in VIVE.values())


def test_vive_s_profile_is_each_group_over_the_six_groups_mean():
    obs = hk5.observed().set_index("group")
    assert sum(f for _, f in VIVE.values()) == 318_936  # the T5.4 six-group sum
    for name, (kr, ft) in VIVE.items():
        assert obs.loc[name, "kr_per_ft"] == kr and obs.loc[name, "fulltime_persons"] == ft
        assert obs.loc[name, "relative"] == pytest.approx(kr / MEAN, rel=1e-12)
    assert obs.loc["sygedagpenge_jobafklaring", "relative"] == pytest.approx(0.60037, abs=1e-5)


# The ten simulator groups of VIVE's six, 1,000 FT each, and their HK5 items (mio. kr).
GROUPS = [g for name in hk5.VIVE_HK5 for g in hk5.members(name)]


def _tables(oevo: dict[str, float], other: float = 5.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for rep in (0, 1):
        for g in GROUPS:
            rows += [(rep, 2024, g, "oevo", "gross", oevo.get(g, 10.0)),
                     (rep, 2024, g, "activation", "gross", other),
                     (rep, 2024, g, "oevo", "state", 99.0),
                     (rep, 2024, g, "benefit", "gross", 999.0)]
    fin = pd.DataFrame(rows, columns=["replication", "year", "group", "item", "payer",
                                      "mio_kr"])
    st = pd.DataFrame([(rep, 2024, g, 1_000.0) for rep in (0, 1) for g in GROUPS],
                      columns=["replication", "year", "group", "fulltime_persons"])
    return fin, st


def test_the_simulated_profile_is_the_hk5_items_gross_over_the_group_s_persons():
    fin, st = _tables({"sygedagpenge": 25.0})
    out = hk5.compare(fin, st).set_index("group")
    # 10 groups of 1,000 FT, 15 mio. kr each but sygedagpenge's 30: the mean is
    # 165 / 10,000 = 16,500 kr; sygedagpenge + jobafklaring 45 / 2,000 = 22,500 kr.
    assert out.loc["sygedagpenge_jobafklaring", "kr_per_ft"] == pytest.approx(22_500.0)
    assert out.loc["sygedagpenge_jobafklaring", "relative"] == pytest.approx(22_500 / 16_500)
    assert out.loc["kontanthjaelp_uddannelseshjaelp", "fulltime_persons"] == 4_000.0
    assert out.loc["dagpenge", "deviation"] == pytest.approx(
        (15_000 / 16_500) / (9_075 / MEAN) - 1)


EDU_KR_WEEK = 29_300 / 52  # finance.unit_cost.activation.ordinaer_uddannelse, 2024


def _activity(weeks: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([(rep, 2024, g, "offer_weeks:ordinaer_uddannelse", weeks.get(g, 0.0))
                         for rep in (0, 1) for g in GROUPS],
                        columns=["replication", "year", "group", "kind", "count"])


def test_the_fit_meets_every_group_s_vive_value_and_keeps_each_kind_s_total():
    """Each VIVE group with VIVE's FT (shared by its members), so that VIVE's profile can
    be met exactly, and per FT 1,000 kr of ØVO (sygedagpenge 3,000, jobafklaring 1,200),
    2 weeks of ordinary education (its cost is in the item activation, with 100 kr of
    mentor): after the fit every group is at VIVE's relative value, the ØVO and
    education totals are kept, and the ratios inside a VIVE group stay. (With other FT
    shares the six values cannot all be met, since each side's mean is weighted by its
    own FT: the fit is least squares.)"""
    ft = {g: VIVE[name][1] / len(hk5.members(name)) for name in VIVE for g in hk5.members(name)}
    per_ft = {"sygedagpenge": 3_000.0, "jobafklaring": 1_200.0}
    rows = []
    for rep in (0, 1):
        for g, f in ft.items():
            rows += [(rep, 2024, g, "oevo", "gross", f * per_ft.get(g, 1_000.0) / 1e6),
                     (rep, 2024, g, "activation", "gross", f * (2 * EDU_KR_WEEK + 100) / 1e6)]
    fin = pd.DataFrame(rows, columns=["replication", "year", "group", "item", "payer",
                                      "mio_kr"])
    st = pd.DataFrame([(rep, 2024, g, f) for rep in (0, 1) for g, f in ft.items()],
                      columns=["replication", "year", "group", "fulltime_persons"])
    act = _activity({g: 2 * f for g, f in ft.items()})
    old = {hk5.KIND: {g: 1.0 for g in GROUPS} | {"sygedagpenge": 1.5, "jobafklaring": 0.6}}
    costs = hk5.kind_costs(fin, act, old)
    assert costs.loc["revalidering", hk5.EDUCATION] == pytest.approx(
        2 * ft["revalidering"] * EDU_KR_WEEK / 1e6, rel=1e-12)
    new, mult, keep = hk5.fit_price_factors(fin, st, act, old, digits=12)
    after = hk5.with_factors(fin, act, old, new)
    out = hk5.compare(after, st).set_index("group")
    for name, (kr, _) in VIVE.items():
        assert out.loc[name, "relative"] == pytest.approx(kr / MEAN, rel=1e-6), name
    for item in ("oevo", "activation"):
        assert after.loc[after["item"] == item, "mio_kr"].sum() == pytest.approx(
            fin.loc[fin["item"] == item, "mio_kr"].sum(), rel=1e-9), item
    assert new[hk5.KIND]["sygedagpenge"] / new[hk5.KIND]["jobafklaring"] == \
        pytest.approx(1.5 / 0.6, rel=1e-9)
    assert mult["kontanthjaelp_uddannelseshjaelp"] == 1.0
    # Revalidering's education (its kind) rises; the others' education is scaled down.
    assert new[hk5.EDUCATION]["revalidering"] > 1.0 > keep[hk5.EDUCATION]
    assert new[hk5.EDUCATION]["dagpenge"] == pytest.approx(keep[hk5.EDUCATION], rel=1e-9)


def test_the_stored_factors_keep_the_ratios_the_fit_keeps():
    """finance.unit_cost.activation_group_factor (python -m calibration.hk5 --fit): inside
    a VIVE group one multiplier, so sygedagpenge over jobafklaring is the 2015 prices'
    219,956 / 130,499 and kontanthjælp and uddannelseshjælp share one ØVO factor; ordinary
    education has one factor but revalidering's (its kind in the fit)."""
    import datetime as dt

    from sim import lawbook

    factor = lawbook.base().value(hk5.FACTOR_LEAF, dt.date(2024, 1, 1))
    oevo, edu = factor[hk5.KIND], factor[hk5.EDUCATION]
    assert oevo["sygedagpenge"] / oevo["jobafklaring"] == pytest.approx(219_956 / 130_499,
                                                                        abs=0.005)
    assert len({oevo[g] for g in hk5.members("kontanthjaelp_uddannelseshjaelp")}) == 1
    assert len({f for g, f in edu.items() if g != "revalidering"}) == 1
    assert edu["revalidering"] / edu["dagpenge"] == pytest.approx(4.836, abs=0.01)
