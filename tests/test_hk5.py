"""The activation cost (HK5) per full-time person by group against VIVE's 2019 profile, and
the fit of the ØVO price of sygedagpenge and jobafklaring to it (calibration/hk5.py).

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


def test_the_fit_meets_vive_s_value_keeps_the_oevo_total_and_the_two_groups_ratio():
    oevo = {"sygedagpenge": 30.0, "jobafklaring": 12.0}
    fin, st = _tables(oevo)
    factors = {g: 1.0 for g in GROUPS} | {"sygedagpenge": 1.5, "jobafklaring": 0.6}
    new, multiplier, keep = hk5.fit_oevo_factor(fin, st, factors, digits=12)
    # Every factor is scaled by keep, the two fitted groups also by the multiplier.
    for g, f in factors.items():
        expected = f * keep * (multiplier if g in ("sygedagpenge", "jobafklaring") else 1)
        assert new[g] == pytest.approx(expected, rel=1e-9), g
    # ØVO money is linear in the factor: the run's ØVO x new / old.
    moved = fin.copy()
    ovo = moved["item"] == "oevo"
    moved.loc[ovo, "mio_kr"] *= moved.loc[ovo, "group"].map(lambda g: new[g] / factors[g])
    gross = moved[ovo & (moved["payer"] == "gross")]
    before = fin[ovo & (fin["payer"] == "gross")]
    assert gross["mio_kr"].sum() == pytest.approx(before["mio_kr"].sum(), rel=1e-12)
    after = hk5.compare(moved, st).set_index("group")
    assert after.loc["sygedagpenge_jobafklaring", "relative"] == pytest.approx(
        8_950 / MEAN, rel=1e-9)
    assert new["sygedagpenge"] / new["jobafklaring"] == pytest.approx(1.5 / 0.6, rel=1e-9)
    assert multiplier < 1 < keep  # the group was above VIVE's value


def test_the_stored_factors_are_the_fit_s_rounded_values():
    """The source of finance.unit_cost.activation_group_factor: the two groups x 0.7272
    and every factor x 1.0825 from the 2015 ratios (dagpenge 0.894)."""
    import datetime as dt

    from sim import lawbook

    factor = lawbook.base().value(hk5.FACTOR_LEAF, dt.date(2024, 1, 1))[hk5.KIND]
    assert factor["dagpenge"] == pytest.approx(round(0.894 * 1.0825, 3))
    assert factor["sygedagpenge"] == pytest.approx(round(1.374 * 0.7272 * 1.0825, 3))
    assert factor["jobafklaring"] == pytest.approx(round(0.815 * 0.7272 * 1.0825, 3))
