"""The reforms of 2010-2019 as dated changes (reforms.md, section iv).

The law files (policies/params) hold the dated history of every parameter, OpenFisca
style, so the base law already contains these reforms. Each reform here is a named
view of its part of that history: its changes are read from the law files at the
reform's dates, with their sources, and hold until the parameter's next dated value
(or the end of the reform decade). ``law_of_2010`` freezes every parameter the
reforms change at its 1 January 2010 value for 2010-2019; the reforms applied after
it, in date order, give the law files back exactly (tests/test_historical.py). Leaving
one out gives the counterfactual "as if that reform had not been passed", and the
backtest (calibration) applies them in order from 2011.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from policies.registry import ParameterChange, Policy, register
from sim import lawbook

FROZEN_FROM = dt.date(2010, 1, 1)
DECADE_END = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Reform:
    name: str
    description: str
    source: str
    changes: tuple[tuple[str, dt.date], ...]  # (parameter path, date of its new value)

    @property
    def effective(self) -> dt.date:
        return min(d for _, d in self.changes)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


REFORMS: tuple[Reform, ...] = (
    # Apply with scope everyone (the default): the transitional rule itself is what
    # reaches the periods begun before 1 July 2010.
    Reform("dagpenge_reform_2010",
           "Dagpengeperiode 4 -> 2 years; periods begun before 1 July 2010 keep 4 years "
           "but end by 1 July 2012 (overgangsregel); the temporary extension of 2012",
           "seed 004_282ac59a8741076f.txt, L475-L484; lov nr. 703 af 25. juni 2010 § 2, "
           "stk. 2 [not in seeds]",
           (("time_limits.dagpenge.max_weeks", _d("2010-07-01")),
            ("time_limits.dagpenge.transition", _d("2010-07-01")),
            ("time_limits.dagpenge.extension", _d("2012-04-01")))),
    Reform("foertidspension_fleksjob_reform_2013",
           "Førtidspension as a rule only from 40; ressourceforløb and the "
           "rehabiliteringsteam", "seed 004_282ac59a8741076f.txt, L501-L511",
           (("time_limits.foertidspension.min_age", _d("2013-01-01")),
            ("rehabilitation.routes", _d("2013-01-01")),
            ("rehabilitation.decision_weeks", _d("2013-01-01")),
            ("time_limits.ressourceforloeb.max_weeks", _d("2013-01-01")))),
    Reform("kontanthjaelp_reform_2014",
           "Uddannelseshjælp under 30; new contact course for kontanthjælp",
           "seed 004_282ac59a8741076f.txt, L513-L523",
           (("time_limits.uddannelseshjaelp.max_age", _d("2014-01-01")),
            ("contact.schedule", _d("2014-01-01")))),
    Reform("sygedagpenge_reform_2014",
           "Revurdering at week 22 (was 52), then jobafklaring",
           "seed 004_282ac59a8741076f.txt, L525-L532",
           (("time_limits.sygedagpenge.revurdering_week", _d("2014-07-01")),
            ("time_limits.sygedagpenge.next_group", _d("2014-07-01")))),
    Reform("beskaeftigelsesreform_2015",
           "Dagpenge +4 conversations in months 0-6; one ret og pligt offer after 6 months "
           "instead of activation every 6 months",
           "seed 004_282ac59a8741076f.txt, L534-L538",
           (("contact.schedule", _d("2015-01-01")),
            ("offers.ret_og_pligt", _d("2015-01-01")))),
    Reform("refusion_reform_2016", "Refusion staircase 80/40/30/20, the same for all benefits",
           "seed 004_282ac59a8741076f.txt, L540-L547",
           (("refusion.staircase", _d("2016-01-01")),)),
    Reform("kontanthjaelpsloft_225_hour_rule_2016",
           "Kontanthjælpsloft and the 225-hour rule lower the average kontanthjælp",
           "seed 004_282ac59a8741076f.txt, L553-L557",
           (("benefit_rates.weekly_rate.kontanthjaelp_jobparat", _d("2016-10-01")),
            ("benefit_rates.weekly_rate.kontanthjaelp_aktivitetsparat", _d("2016-10-01")))),
    Reform("retirement_reform_2012", "Higher folkepension age, from July 2019",
           "seed 004_282ac59a8741076f.txt, L493-L499",
           (("time_limits.pension_age", _d("2019-07-01")),)),
    Reform("driftslofter_abolished_2019",
           "Ceilings and refusion of activation operating costs abolished",
           "seed 004_282ac59a8741076f.txt, L565-L568",
           (("finance.activation_refusion", _d("2019-01-01")),)),
)


def _next_date(params, path: str, after: dt.date) -> dt.date:
    """The parameter's next dated value after ``after`` in the law files, within the decade."""
    later = [v.start for v in params.leaves[path].values if after < v.start < DECADE_END]
    return min(later, default=DECADE_END)


def reform_changes(reform: Reform) -> list[ParameterChange]:
    params = lawbook.base()
    out = []
    for path, date in reform.changes:
        entry = params.leaves[path].entry_at(date)
        if entry is None or entry.start != date:
            raise ValueError(f"{reform.name}: {path} has no value dated {date} in the law files")
        out.append(ParameterChange(path, entry.value, date, entry.source,
                                   _next_date(params, path, date)))
    return out


def frozen_changes() -> list[ParameterChange]:
    params = lawbook.base()
    paths = sorted({path for r in REFORMS for path, _ in r.changes})
    return [ParameterChange(path, params.value(path, FROZEN_FROM), FROZEN_FROM,
                            "the law files' value on 2010-01-01", DECADE_END)
            for path in paths]


register(Policy(
    name="law_of_2010",
    description="The law as on 1 January 2010 for 2010-2019: every parameter the "
                "2010-2019 reforms change keeps its 2010 value (apply the reforms after it)",
    effective=FROZEN_FROM,
    source="reforms.md, section (iv); the law files' dated values",
    changes=lambda _o: frozen_changes(),
))

HISTORICAL_ORDER = [r.name for r in sorted(REFORMS, key=lambda r: r.effective)]

for _reform in REFORMS:
    register(Policy(
        name=_reform.name,
        description=_reform.description,
        effective=_reform.effective,
        source=_reform.source,
        changes=lambda _o, r=_reform: reform_changes(r),
    ))
