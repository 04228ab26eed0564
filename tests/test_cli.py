"""The command line as a new user meets it: the run summary, --version, the bundled
experiments and the policy catalogue."""

from __future__ import annotations

import pandas as pd

from sim.api import Results
from sim.cli import summary


def _stocks() -> pd.DataFrame:
    rows = []
    for scenario, level in (("baseline", 1000.0), ("reform", 500.0)):
        for rep in (0, 1):
            for year in (2024, 2025):
                rows.append((scenario, rep, year, "dagpenge", level + 100 * rep))
                rows.append((scenario, rep, year, "fleksjob", 10.0 * (rep + 1)))
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "group",
                                       "fulltime_persons"])


def test_summary_is_the_baseline_mean_over_replications_not_a_sum_over_scenarios():
    res = Results({"stocks": _stocks()}, {"user_scenarios": ["baseline", "reform"]})
    text = summary(res)
    head, *rows = text.splitlines()
    assert "baseline" in head and "mean of 2 replications" in head
    cells = {r.split()[0]: r.split()[1:] for r in rows[1:]}
    # baseline dagpenge: replications 1,000 and 1,100 -> 1,050 (the old summary printed
    # replication 0 summed over both scenarios: 1,500)
    assert cells["dagpenge"] == ["1,050", "1,050"]
    assert cells["fleksjob"] == ["15", "15"]
    assert cells["total"] == ["1,065", "1,065"]
    assert list(cells)[-1] == "total"
