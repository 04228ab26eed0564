"""Money from segments: benefits, refusion and jobcentre costs (design principle 3).

Every cost is an integral over the ledger's time segments. A segment is cut into
*pieces* where a calendar year starts, where a finance parameter changes (a benefit
rate, the staircase, the price index) and where the citizen's weeks-on-support
counter passes a step of the *refusionstrappe* (4, 26, 52 weeks). The counter is
``support_weeks`` at the segment's start and grows one per week inside it. For each
piece:

* gross = weeks x weekly rate of the group at the piece's date x price index;
* state = gross x state share (the staircase step, or a fixed share);
* municipality = gross - state, so ``gross = state + municipality`` on every row.

Dagpenge are paid by the a-kasse and refunded in full by the state; from 2010 the
municipality pays *medfinansiering* (co-financing) of (1 - staircase share) to the
state. The rows say the same: gross = the dagpenge paid, state = the state's net cost,
municipality = the co-financing (0 before 2010).

Førtidspension and fleksjob are on the staircase only when granted from 1 July 2014;
grant dates are not tracked, so a share ``finance.pre_2014_share`` of the stock is
financed with the fixed municipal share ``finance.fixed_municipal_share`` instead: for
førtidspension 50 % for grants before 2003 and 65 % for grants 2003 to June 2014, mixed
by the cohorts' shares ``finance.pre_2014_cohorts``.

All functions are vectorised over segment arrays: a full-scale ten-year run has
millions of segments. The money layer, by job:

* ``sim/finance_law.py``: the run's periods and the finance law of each as arrays;
* ``sim/intervals.py``: intervals cut at period bounds, weeks weighted by the staircase;
* ``sim/cost_keys.py``: the (year, group[, municipality]) keys the sums are taken over;
* ``sim/cost_items.py``: each cost item's gross and state kr per key;
* ``sim/schemes.py``: the special schemes and pools' gross and state kr per key;
* ``sim/cost_records.py``: the ledger's records as the cost items' inputs;
* this module: the finance table, unit costs and budget categories;
* ``sim/path_cost.py``: one hand-made citizen path costed without simulating.

The output is tidy: ``year, group, item, payer, mio_kr`` with ``payer`` in
``gross, state, municipality`` (plus ``municipality_id`` before ``item`` when asked
for by municipality). Items:

* ``benefit``: the benefit (transfers) less what sanctions withheld; the state's part
  of a reduction is its staircase share at the week of the sanction;
* ``oevo``: operating costs (HK5) of *øvrig vejledning og opkvalificering* (the offer
  kinds in ``sim.cost_items.OEVO_KINDS``), weeks x unit cost of the kind x its factor
  for the group, refunded at ``finance.activation_refusion`` (by kind and group where
  ``finance.activation_refusion_exceptions`` says so);
* ``activation``: operating costs of the other offers (HK5: ordinary education, mentor),
  priced and refunded the same way;
* ``loentilskud``: wage subsidy net of the benefit it replaces (the citizen stays in
  the group's segment, so ``benefit`` counts those weeks), on the staircase;
* ``conversations``: jobcentre conversations x caseworker hours x hourly cost (HK6
  service, no refusion; a-kasse conversations are not a municipal cost);
* ``sanction_admin``: casework of sanction processes and complaints (HK6), hours x
  hourly cost, for the groups whose sanctions the municipality decides;
* ``jobcentre_other``: other jobcentre operations (HK6) per full-time person;
* ``yearly_review``: the yearly case review and plan (*fremdriftsgaranti*, HK6) per
  full-time person of the groups that have one (none under the 2024 law);
* the special schemes and pools (sim/schemes.py): ``seniorjob``, ``jobrotation``,
  ``voksenlaerling`` (net), ``personal_assistance`` and ``six_week_course`` from the
  person-weeks of the groups each serves; ``seniorjob_benefit``, the benefit of those
  who would have held a seniorjob when its places close (none under current law);
  ``education_pools``, ``state_pools`` and ``upskilling_pool`` as dated amounts (run
  tables only, not a hand-made path).

In a run, offers and reductions come from the ledger's records and conversations,
sanctions and complaints from its activity counts (sim/results.py); a hand-made
path (:func:`sim.path_cost.cost_path`) lists them one by one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from sim.clock import Clock
from sim.cost_items import (
    CASEWORK_ITEMS,
    OEVO_KINDS,
    activation_sums,
    benefit_sums,
    count_sums,
    event_sums,
    loentilskud_sums,
    reduction_sums,
)
from sim.cost_keys import Keys, Sums, keys_for
from sim.finance_law import period_law, periods
from sim.groups import GROUPS
from sim.parameters import ParameterTree
from sim.schemes import SCHEME_ITEMS, scheme_law, scheme_sums

PAYERS: tuple[str, ...] = ("gross", "state", "municipality")
ITEMS: tuple[str, ...] = ("benefit", "jobcentre_other", "oevo", "activation", "loentilskud",
                          "conversations", "offer_casework", "rehabilitation_team",
                          "sanction_admin", "yearly_review", *SCHEME_ITEMS)
COLUMNS = ["year", "group", "item", "payer", "mio_kr"]
KR_PER_MIO = 1e6


def _long(keys: Keys, clock: Clock, item: str, gross: np.ndarray, state: np.ndarray,
          scale: float) -> pd.DataFrame:
    """Rows gross, state, municipality (= gross - state) of one item, in mio. kr."""
    base = keys.frame(clock)
    g, s = gross / KR_PER_MIO / scale, state / KR_PER_MIO / scale
    parts = [base.assign(item=item, payer=payer, mio_kr=v)
             for payer, v in zip(PAYERS, (g, s, g - s), strict=True)]
    return pd.concat(parts, ignore_index=True)


def _tidy(frames: list[pd.DataFrame], complete: bool) -> pd.DataFrame:
    df = pd.concat(frames, ignore_index=True)
    keys = [c for c in df.columns if c not in ("item", "payer", "mio_kr")]
    if not complete:
        nonzero = df["mio_kr"].ne(0).groupby([df[k] for k in [*keys, "item"]]).transform("any")
        df = df[nonzero.to_numpy(dtype=bool)]
    order = {"group": {g: i for i, g in enumerate(GROUPS)},
             "item": {x: i for i, x in enumerate(ITEMS)},
             "payer": {x: i for i, x in enumerate(PAYERS)}}
    sort_cols = ["year", "group", *[c for c in keys if c not in ("year", "group")], "item",
                 "payer"]
    df = df.sort_values(sort_cols, key=lambda s: s.map(order[s.name]) if s.name in order else s,
                        ignore_index=True)
    cols = [*keys, "item", "payer", "mio_kr"]
    return df[cols]


def finance_table(segments: pd.DataFrame, params: ParameterTree, clock: Clock,
                  scale: float = 1.0, *, offers: pd.DataFrame | None = None,
                  loentilskud: pd.DataFrame | None = None,
                  conversations: pd.DataFrame | None = None,
                  sanctions: pd.DataFrame | None = None,
                  complaints: pd.DataFrame | None = None,
                  offer_starts: pd.DataFrame | None = None,
                  entries: pd.DataFrame | None = None,
                  counts: pd.DataFrame | None = None,
                  reductions: pd.DataFrame | None = None,
                  by_municipality: bool = False, complete: bool = True,
                  cohort_params: list[ParameterTree] | None = None,
                  dated_amounts: bool = True) -> pd.DataFrame:
    """Tidy money table ``year, group[, municipality_id], item, payer, mio_kr``.

    Records are optional: ``offers`` and ``loentilskud``
    (:func:`sim.cost_records.offer_records`), ``reductions``
    (:func:`sim.cost_records.reduction_records`, subtracted from ``benefit``), one-by-one
    ``conversations``, ``sanctions``, ``complaints``, ``offer_starts`` (offers set up)
    and ``entries`` (spells or stays entering a group) (week, group) and/or ``counts`` of
    them (:func:`sim.cost_records.activity_counts`, :func:`sim.cost_records.entry_counts`).
    Amounts are weighted by 1 / ``scale``.
    ``complete`` keeps every year x group x item row, zeros included, so replications
    stack; otherwise all-zero items go. ``cohort_params``: the laws of spells begun
    before new-spells policies took effect (segments' ``cohort`` indexes them, and
    ``params`` after them), for benefit rates that change for new spells only.
    ``dated_amounts``: cost the pools' dated amounts (sim/schemes.py), spread over the
    person-weeks of their groups (False for one person's path).
    """
    per = periods(clock, params)
    law = period_law(params, per)
    if cohort_params:
        law = dataclasses.replace(law, cohort_rate=np.stack(
            [period_law(t, per).rate for t in cohort_params] + [law.rate]))
    keys = keys_for(clock, by_municipality, segments, offers, loentilskud, conversations,
                    sanctions, complaints, offer_starts, entries, reductions,
                    counts if counts is not None and "municipality" in counts else None)
    zero = np.zeros(keys.size)
    sums = benefit_sums(segments, clock, per, law, keys)
    money: dict[str, Sums] = {item: (zero, zero) for item in ITEMS}
    benefit = (sums["gross"], sums["state"])
    if reductions is not None and len(reductions):
        red = reduction_sums(reductions, per, law, keys)
        benefit = (benefit[0] - red[0], benefit[1] - red[1])
    money["benefit"] = benefit
    money["jobcentre_other"] = (sums["jobcentre"], zero)
    money["yearly_review"] = (sums["review"], zero)
    money.update(scheme_sums(segments, per, scheme_law(params, per), keys, scale,
                             dated_amounts))
    if offers is not None and len(offers):
        oevo = offers["kind"].isin(OEVO_KINDS).to_numpy(dtype=bool)
        for item, rows in (("oevo", oevo), ("activation", ~oevo)):
            if rows.any():
                money[item] = activation_sums(offers[rows], per, law, keys)
    if loentilskud is not None and len(loentilskud):
        money["loentilskud"] = loentilskud_sums(loentilskud, per, law, keys)
    counted = count_sums(counts, clock, per, law, keys, sums["weeks"])
    one_by_one = (("conversations", conversations, law.conversation_cost, None),
                  ("offer_casework", offer_starts, law.offer_cost, None),
                  ("rehabilitation_team", entries, law.team_cost, law.team_case),
                  ("sanction_admin", sanctions, law.sanction_cost, law.casework_weight),
                  ("sanction_admin", complaints, law.complaint_cost, law.casework_weight))
    for item, records, unit, weight in one_by_one:
        if records is not None and len(records):
            counted[item] = counted[item] + event_sums(records, per, keys, unit, law.price,
                                                       weight)
    for item in CASEWORK_ITEMS:
        money[item] = (counted[item], zero)
    frames = [_long(keys, clock, item, gross, state, scale)
              for item, (gross, state) in money.items()]
    return _tidy(frames, complete and not by_municipality)


def unit_costs(finance: pd.DataFrame, fulltime_persons: pd.DataFrame) -> pd.DataFrame:
    """*Enhedspris* and *gennemsnitlig refusion* by key and item (and item ``total``).

    Columns: the keys, item, fulltime_persons, gross_kr_per_ft (enhedspris),
    municipality_kr_per_ft (municipal net per full-time person) and average_refusion
    (state / gross). ``fulltime_persons`` has the keys and a ``fulltime_persons`` column
    (e.g. :func:`sim.results.fulltime` or the run's ``stocks`` table).
    """
    keys = [c for c in finance.columns if c not in ("item", "payer", "mio_kr")]
    wide = finance.pivot_table(index=[*keys, "item"], columns="payer", values="mio_kr",
                               aggfunc="sum", fill_value=0.0).reset_index()
    total = wide.groupby(keys, as_index=False)[list(PAYERS)].sum().assign(item="total")
    wide = pd.concat([wide, total], ignore_index=True)
    out = wide.merge(fulltime_persons[[*keys, "fulltime_persons"]], on=keys, how="left")
    ft = out["fulltime_persons"].where(out["fulltime_persons"] > 0)
    gross = out["gross"].where(out["gross"] != 0)
    out["gross_kr_per_ft"] = out["gross"] * KR_PER_MIO / ft
    out["municipality_kr_per_ft"] = out["municipality"] * KR_PER_MIO / ft
    out["average_refusion"] = out["state"] / gross
    cols = [*keys, "item", "fulltime_persons", "gross_kr_per_ft", "municipality_kr_per_ft",
            "average_refusion"]
    return out[cols].sort_values([*keys, "item"], ignore_index=True)


def budget_categories(params: ParameterTree, date: dt.date) -> pd.DataFrame:
    """Account (HK5/HK6) and budget category (budgetgaranti, other transfer, service)
    of every group x item on ``date``: columns group, item, account, category."""
    items = params.at("finance.budget.items", date)
    benefit = params.at("finance.budget.benefit", date)
    rows = []
    for g in GROUPS:
        for item, spec in items.items():
            category = benefit[g] if spec["category"] == "by_group" else spec["category"]
            rows.append((g, item, spec["account"], category))
    return pd.DataFrame(rows, columns=["group", "item", "account", "category"])


def with_budget(finance: pd.DataFrame, params: ParameterTree) -> pd.DataFrame:
    """The finance table with ``account`` and ``category`` (as on 1 January of each year)."""
    parts = [budget_categories(params, dt.date(int(y), 1, 1)).assign(year=y)
             for y in finance["year"].unique()]
    cats = pd.concat(parts, ignore_index=True)
    return finance.merge(cats, on=["year", "group", "item"], how="left")

