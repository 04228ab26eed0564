"""The targets the calibration fits, derived from the copied domain data.

``python -m calibration.targets`` writes ``calibration/targets/fit_targets.csv``: one row
per target with ``metric, group, year, value, unit, tolerance, tolerance_kind, use,
source``. ``use`` is ``fit`` (moved by ``python -m sim calibrate``), ``check`` (reported
with its error, but no fitted parameter moves it: law or other years) or ``cost_fit`` (a
target unit costs were fitted to by hand: the budget lines and the effort cost by group,
calibration.spending and calibration.effort; reported like a check, but not independent).
``tolerance_kind`` is ``rel`` (share of the target) or ``pp`` (percentage points).

Every value is a number from ``calibration/targets/*.csv`` (file and line) or arithmetic
on such numbers, written out in ``source``. The groups are the simulator's groups
summed into the published series (``STOCK_SERIES``, ``VIVE_GROUPS``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from calibration import TARGETS_DIR, spending

FIT_TARGETS = TARGETS_DIR / "fit_targets.csv"
FIT_YEAR = 2024
COLUMNS = ["metric", "group", "year", "value", "unit", "tolerance", "tolerance_kind", "use",
           "source"]
# Values of ``use``: moved by python -m sim calibrate; compared only; or a target that unit
# costs in policies/params were fitted to by hand (the budget lines, the effort by group:
# calibration.spending, calibration.effort --fit), compared like a check but not an
# independent one.
FIT, CHECK, COST_FIT = "fit", "check", "cost_fit"
USES = (FIT, CHECK, COST_FIT)

# Jobindsats series of VIVE Tabel 5.4 (stocks_fulltime_persons.csv) -> simulator groups.
STOCK_SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dagpenge": ("dagpenge", ("dagpenge",)),
    "kontanthjaelp_uddannelseshjaelp": (
        "kontanthjælp+uddannelseshjælp",
        ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat",
         "uddannelseshjaelp_uddannelsesparat", "uddannelseshjaelp_aktivitetsparat")),
    "sygedagpenge_jobafklaring": ("sygedagpenge incl. jobafklaring",
                                  ("sygedagpenge", "jobafklaring")),
    "ressourceforloeb": ("ressourceforløb", ("ressourceforloeb",)),
    "revalidering": ("revalidering+forrevalidering", ("revalidering",)),
    "ledighedsydelse": ("ledighedsydelse", ("ledighedsydelse",)),
    "fleksjob": ("fleksjob", ("fleksjob",)),
    "foertidspension": ("førtidspension", ("foertidspension",)),
}
SIX_GROUPS = ("dagpenge", "kontanthjaelp_uddannelseshjaelp", "sygedagpenge_jobafklaring",
              "ressourceforloeb", "revalidering", "ledighedsydelse")

# The expert group's effort cost per full-time person (unit_costs_expert_group.csv): its
# groups -> simulator groups.
EFFORT_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "uddannelseshjaelp": ("uddannelseshjælp", ("uddannelseshjaelp_uddannelsesparat",
                                                "uddannelseshjaelp_aktivitetsparat")),
    "ressourceforloeb": ("ressourceforløb", ("ressourceforloeb",)),
    "kontanthjaelp": ("kontanthjælp", ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat")),
    "jobafklaring": ("jobafklaring", ("jobafklaring",)),
    "dagpenge": ("dagpenge", ("dagpenge",)),
    "sygedagpenge": ("sygedagpenge", ("sygedagpenge",)),
    "ledighedsydelse_fleksjob": ("ledighedsydelse+fleksjob", ("ledighedsydelse", "fleksjob")),
}

# VIVE's four groups (spells, exit routes, activation): all uddannelseshjælp counts as
# jobparat (calibration.md, conversations row); ressourceforløb and revalidering are
# counted with the aktivitetsparate [inferred: VIVE T3.3 aktivitetsparate months exceed
# kontanthjælp+uddannelseshjælp of T5.4 by about the ressourceforløb and revalidering stocks].
VIVE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dagpenge": ("dagpenge", ("dagpenge",)),
    "jobparate": ("jobparate", ("kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat")),
    "aktivitetsparate": ("aktivitetsparate",
                         ("kontanthjaelp_aktivitetsparat", "uddannelseshjaelp_aktivitetsparat",
                          "ressourceforloeb", "revalidering")),
    "sygedagpenge": ("sygedagpenge incl. jobafklaring", ("sygedagpenge", "jobafklaring")),
}
# VIVE's spells are those of 2011-2019 (spells_by_group.csv; exit_routes.csv counts the same
# spells, e.g. 438,069 aktivitetsparate in both); "censored" = still open in December 2019.
# The censored spells are about the stock at the end of 2019 (dagpenge 75,574 against about
# 90,000 FT in 2019, aktivitetsparate 94,923 against 117,000), so they are the spells of
# all nine start years still open at the end, not only those of the start-year windows of
# calibration.md (AP 2011-16, JP 2011-17, DP and SDP 2011-18): a dagpenge spell started by
# 2018 and still open in December 2019 has lasted more than a year, and with a two-year
# benefit period and a mean stay of about 20 weeks 3.5 % of all spells cannot be such.
SPELL_YEARS = (2011, 2019)
# The censored share identifies the shape only where spells outlast VIVE's nine years: the
# aktivitetsparate (for a given mean stay, a longer tail leaves fewer spells open at the
# end). Dagpenge (two-year limit), jobparate and sygedagpenge spells nearly all end within
# the window, so their share is about the mean stay over nine years, which spells per FT
# already fix: checks.
CENSORED_FITTED = ("aktivitetsparate",)


def stock_path_factor(name: str) -> tuple[float, str]:
    """VIVE's full-time persons of group ``name`` in the last spell year over their mean
    over the spell years (vive_t3.3_ft), and the reference.

    A stationary run starts as many spells each year as the mean year; VIVE's years did
    not: the spells started follow the mean stock over the years, the spells still open
    at the end the stock at the end. The stationary share open times this factor is the
    share VIVE's stock path gives (to first order: a mean stay that does not change)."""
    first, last = SPELL_YEARS
    vive = VIVE_GROUPS[name][0]
    f = "stocks_fulltime_persons.csv"
    row, line = _line(f, lambda r: r["dataset"] == "vive_t3.3_ft" and r["group"] == vive)
    years = [float(row[f"y{y}"]) for y in range(first, last + 1)]
    factor = years[-1] / (sum(years) / len(years))
    return factor, (f"{last} stock {years[-1]:,.0f} / {first}-{last} mean "
                    f"{sum(years) / len(years):,.0f} = {factor:.3f}: {_ref(f, line, row)}")


# VIVE exit routes -> the route names used in fit_targets.csv.
ROUTES = {"employment": "job", "delvis raskmeldt": "job", "selvforsørgelse": "self_support",
          "education": "education", "fleksjob/skånejob": "fleksjob",
          "førtidspension": "foertidspension", "andet": "other",
          "død/udrejst": "death_emigration"}


def _read(name: str) -> list[dict[str, str]]:
    with open(TARGETS_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _line(name: str, pred) -> tuple[dict[str, str], int]:
    """The first row satisfying ``pred`` and its line number in the file (header = 1)."""
    for i, row in enumerate(_read(name)):
        if pred(row):
            return row, i + 2
    raise KeyError(f"{name}: no matching row")


def _ref(name: str, line: int, row: dict[str, str]) -> str:
    return f"calibration/targets/{name} L{line} ({row['source']})"


def derive() -> pd.DataFrame:
    rows: list[dict] = []

    def add(metric, group, year, value, unit, tol, kind, use, source):
        rows.append(dict(metric=metric, group=group, year=year, value=round(value, 4),
                         unit=unit, tolerance=tol, tolerance_kind=kind, use=use,
                         source=source))

    # -- stocks of full-time persons, fit year ----------------------------------------
    f = "stocks_fulltime_persons.csv"
    total, tl = _line(f, lambda r: r["dataset"] == "vive_t5.4" and r["group"] == "SUM six groups")
    head, hl = _line("headline_targets.csv",
                     lambda r: r["metric"].startswith("target group for activation")
                     and r["period"] == "2023")
    factor = float(head["value"]) / float(total["y2019"])
    for name, (series, _) in STOCK_SERIES.items():
        row, line = _line(f, lambda r, s=series: r["dataset"] == "vive_t5.4" and r["group"] == s)
        v19 = float(row["y2019"])
        if name in SIX_GROUPS:
            add("stock_ft", name, FIT_YEAR, v19 * factor, "FT persons", 0.05, "rel", "fit",
                f"[derived] 2019 stock {v19:,.0f} x {factor:.4f} (the 2023 target group "
                f"{float(head['value']):,.0f} FT / the 2019 six-group sum "
                f"{float(total['y2019']):,.0f}): {_ref(f, line, row)}; "
                f"calibration/targets/headline_targets.csv L{hl}; {_ref(f, tl, total)}")
        else:
            add("stock_ft", name, FIT_YEAR, v19, "FT persons", 0.05, "rel", "fit",
                f"[derived] latest observed level (2019), kept for {FIT_YEAR}: no later value "
                f"in the seeds; {_ref(f, line, row)}")
    add("stock_ft", "six_groups", FIT_YEAR, float(head["value"]), "FT persons", 0.05, "rel",
        "check", f"target group 2023 (excl. fleksjob): calibration/targets/headline_targets.csv "
        f"L{hl} ({head['source']})")

    # -- spells a year per full-time person (VIVE's four groups, 2011-19) ---------------
    for name, (vive, _) in VIVE_GROUPS.items():
        sp, sl = _line("spells_by_group.csv", lambda r, v=vive: r["group"] == v)
        st, stl = _line(f, lambda r, v=vive: r["dataset"] == "vive_t3.3_ft" and r["group"] == v)
        ft = [float(st[f"y{y}"]) for y in range(2011, 2020)]
        per_year = float(sp["spells_2011_2019"]) / 9
        value = per_year / (sum(ft) / len(ft))
        add("spells_per_ft", name, "2011-2019", value, "spells a year per FT person", 0.10,
            "rel", "fit",
            f"[derived] {float(sp['spells_2011_2019']):,.0f} spells / 9 years / mean FT "
            f"2011-19 {sum(ft) / len(ft):,.0f}: {_ref('spells_by_group.csv', sl, sp)}; "
            f"{_ref(f, stl, st)}")

    # -- exit-route shares, censored spells left out ----------------------------------
    ex = pd.read_csv(TARGETS_DIR / "exit_routes.csv")
    for name, (vive, _) in VIVE_GROUPS.items():
        part = ex[ex["group"] == vive]
        first = int(part.index[0]) + 2
        last = int(part.index[-1]) + 2
        uncensored = part[part["exit_route"] != "censored"]
        base = float(uncensored["spells"].sum())
        shares: dict[str, float] = {}
        for _, r in uncensored.iterrows():
            route = ROUTES[r["exit_route"]]
            shares[route] = shares.get(route, 0.0) + float(r["spells"]) / base * 100
        for route, value in shares.items():
            add("exit_share", f"{name}:{route}", "2011-2019", value,
                "% of uncensored spells", 3.0, "pp", "fit",
                f"[derived] spells by route / {base:,.0f} uncensored spells"
                + (" (employment + delvis raskmeldt)" if name == "sygedagpenge"
                   and route == "job" else "")
                + f": calibration/targets/exit_routes.csv L{first}-L{last} "
                  f"({part['source'].iloc[0]})")

    # -- spell durations: the share of spells still open in December 2019 ------------
    # The share of the spells started 2011-2019 still open at the end of 2019: under
    # stationarity E[min(D, 9 years)] / 9 years, the mean stay and the tail beyond nine
    # years (a moment of the shape: a longer tail leaves fewer spells open for a given
    # mean stay). Simulated in a separate long stationary run and carried to VIVE's
    # stock path by stock_path_factor (calibration/fit.py, duration_run). The
    # aktivitetsparate share is fitted by the shapes block (CENSORED_FITTED).
    first, last = SPELL_YEARS
    for name, (vive, _) in VIVE_GROUPS.items():
        row, line = _line("exit_routes.csv", lambda r, v=vive: r["group"] == v
                          and r["exit_route"] == "censored")
        _, path_ref = stock_path_factor(name)
        add("censored_share", name, f"{first}-{last}", float(row["pct_of_group_spells"]),
            f"% of spells {first}-{last} still open at the end of {last}", 2.0, "pp",
            "fit" if name in CENSORED_FITTED else "check",
            f"{_ref('exit_routes.csv', line, row)}; spells started {first}-{last} "
            f"(spells_by_group.csv: the same totals); simulated: spells started in "
            f"{last + 1 - first} years of a stationary run after a burn-in, share still "
            f"open at their end, x the stock path factor {path_ref}")

    # -- activation: share of weeks in an offer (VIVE, last week of the month) ---------
    act = "activation_shares.csv"
    for name, vive, metric, year in [("jobparate", "jobparate", "% months passive", "2019"),
                                     ("aktivitetsparate", "aktivitetsparate", "% months passive",
                                      "2019"),
                                     ("dagpenge", "dagpenge", "% months passive (stable after)",
                                      "2015"),
                                     ("sygedagpenge", "sygedagpenge incl. jobafklaring",
                                      "% months passive", "2019")]:
        row, line = _line(act, lambda r, v=vive, m=metric, y=year: r["group"] == v
                          and r["metric"] == m and r["year"] == y)
        add("active_share", name, year, 100 - float(row["value"]), "% of weeks in an offer",
            5.0, "pp", "fit", f"[derived] 100 - {row['value']} % passive: {_ref(act, line, row)}")
    row, line = _line(act, lambda r: r["group"] == "VIVE 4 groups" and r["year"] == "2011-2019"
                      and r["metric"].startswith("% of unemployment-months active"))
    add("active_share", "vive_4_groups", "2011-2019", float(row["value"]),
        "% of weeks in an offer", 5.0, "pp", "check", _ref(act, line, row))

    # -- sanctions: share of persons sanctioned in the year (2022) ---------------------
    sa = "sanction_shares_2022.csv"
    for name, vive in [("dagpenge_incl_karantaene", "dagpenge incl. karantæne"),
                       ("dagpenge", "dagpenge excl. karantæne"),
                       ("kontanthjaelp_jobparat", "jobparate kontanthjælp"),
                       ("kontanthjaelp_aktivitetsparat", "aktivitetsparate kontanthjælp")]:
        row, line = _line(sa, lambda r, v=vive: r["group"] == v)
        add("sanction_share", name, 2022, float(row["share_sanctioned_pct"]),
            "% of persons in the group in the year", 2.0, "pp", "fit", _ref(sa, line, row))

    # -- conversations -----------------------------------------------------------------
    # The expert group's 2.4 mio. (2023) are "registered jobsamtaler m.v." incl. the
    # a-kasse; VIVE counts 2.8 mio. conversations of all kinds in its four groups in 2019,
    # of which "godt 2,3 mio." jobsamtaler (2011: 2.2 mio. and "godt 2 mio.", against the
    # expert group's 2.1 mio.). The simulator's conversations are all kinds (their rate
    # per FT is VIVE's), so the 2.4 mio. are compared with the jobsamtale part of them.
    cv = "conversations.csv"
    share, share_source = jobsamtale_share()
    row, line = _line(cv, lambda r: r["group"] == "all groups incl. a-kasse"
                      and r["year"] == "2023")
    add("conversations", "jobsamtaler", 2023, float(row["value"]),
        "jobsamtaler a year (incl. a-kasse)", 0.10, "rel", "check",
        _ref(cv, line, row) + f"; simulated: all conversations x the jobsamtale share "
        f"{share:.4f} ({share_source})")
    for name, vive in [("vive_4_groups", "VIVE 4 groups"), ("jobparate", "jobparate"),
                       ("aktivitetsparate", "aktivitetsparate"), ("dagpenge", "dagpenge")]:
        row, line = _line(cv, lambda r, v=vive: r["group"] == v and r["year"] == "2019"
                          and r["metric"] == "conversations per FT person per year")
        # The three groups are fitted (the contact intervals after month 6, set
        # individually by law, are the fitted behaviour); the pooled rate is a check.
        use = "check" if name == "vive_4_groups" else "fit"
        add("conversations_per_ft", name, 2019, float(row["value"]),
            "conversations a year per FT person", 0.10, "rel", use,
            _ref(cv, line, row) + "; the 2019 contact course is the 2024 one in number "
            "(reforms.md: 2014 kontanthjælp, 2015 dagpenge; 2024 moves months 0-3 of "
            "dagpenge to the a-kasse)")

    # -- spending (2024 budget, 2024 prices) -------------------------------------------
    # Each budget line is the sum of the finance table's items named in
    # calibration.spending.LINES, the one place that maps lines to items and targets to
    # lines (spending.CHECKS). Their unit costs were fitted to these lines, so they are
    # labelled COST_FIT.
    sp = "active_effort_spending_2022_2024.csv"

    def line(label: str) -> tuple[float, str]:
        row, n = _line(sp, lambda r: r["item_mio_kr_2024_prices"] == label)
        return float(row["y2024_budget"]), _ref(sp, n, row)

    total, tref = line("total")
    premium, pref = line(spending.NOT_COSTED)
    for metric, label in spending.CHECKS.items():
        if label == spending.MODELLED:
            add("spending", metric, 2024, total - premium, "mio. kr., 2024 prices",
                0.10, "rel", COST_FIT,
                f"[derived] total {total:,.0f} less job- og seniorpræmie {premium:,.0f}, whose "
                f"driver (exits to a job) the simulator does not cost: {tref}; {pref}; "
                "simulated: every item of calibration.spending.LINES; the unit costs were "
                "fitted to the lines")
            continue
        value, ref = line(label)
        add("spending", metric, 2024, value, "mio. kr., 2024 prices", 0.10, "rel", COST_FIT,
            f"{ref}; simulated: {' + '.join(spending.items_of(label))}, gross; the items' "
            "unit costs were fitted to this line")
    head, hl = _line("headline_targets.csv",
                     lambda r: r["metric"].startswith("public dagpenge spending")
                     and r["period"] == "2022")
    add("spending", "dagpenge_benefit", 2022, float(head["value"]), "mio. kr., 2024 prices",
        0.10, "rel", "check",
        f"calibration/targets/headline_targets.csv L{hl} ({head['source']}); simulated: "
        "dagpenge benefit, gross")

    # -- effort cost per full-time person by group (the expert group's table) ----------
    # The table covers the whole effort; its average over the target group (40,000 kr) is
    # the whole budget over the 300,000 full-time persons (12,135 mio. kr in 2022). The
    # simulator costs the 2024 budget less the job- og seniorpræmie, so the table is
    # compared at that level: its profile, not its year's total.
    uc = "unit_costs_expert_group.csv"
    whole, wl = _line(uc, lambda r: r["group"] == "whole target group")
    tg, tgl = _line("headline_targets.csv",
                    lambda r: r["metric"].startswith("target group for activation")
                    and r["period"] == "2023")
    level_kr = (total - premium) / float(tg["value"]) * 1e3  # 1,000 kr per FT
    level = level_kr / float(whole["kr1000_per_FT_person"])
    for name, (label, members) in EFFORT_GROUPS.items():
        row, line_no = _line(uc, lambda r, lab=label: r["group"] == lab)
        table = float(row["kr1000_per_FT_person"])
        add("effort_per_ft", name, 2024, table * level, "1,000 kr per FT person a year",
            0.10, "rel", COST_FIT,
            f"[derived] {table:g} x {level:.4f}, the table's level moved to the 2024 budget's: "
            f"(total {total:,.0f} less job- og seniorpræmie {premium:,.0f}) mio. kr / "
            f"{float(tg['value']):,.0f} FT = {level_kr:.2f} over the table's "
            f"{float(whole['kr1000_per_FT_person']):g} for the whole target group: "
            f"{_ref(uc, line_no, row)}; {_ref(uc, wl, whole)}; {tref}; {pref}; "
            f"calibration/targets/headline_targets.csv L{tgl}; simulated: every item of "
            f"calibration.spending's budget lines on {', '.join(members)} / their FT; "
            "finance.jobcentre.weight was fitted to these targets (calibration.effort --fit)")
    return pd.DataFrame(rows, columns=COLUMNS)


def jobsamtale_share() -> tuple[float, str]:
    """Jobsamtaler / all conversations in VIVE's four groups, 2019, and its source."""
    cv = "conversations.csv"
    job, jl = _line(cv, lambda r: r["group"] == "VIVE 4 groups: jobsamtaler only"
                    and r["year"] == "2019")
    allc, al = _line(cv, lambda r: r["group"].startswith("VIVE 4 groups (excl.")
                     and r["year"] == "2019")
    share = float(job["value"]) / float(allc["value"])
    return share, (f"[derived] {float(job['value']):,.0f} / {float(allc['value']):,.0f}: "
                   f"{_ref(cv, jl, job)}; {_ref(cv, al, allc)}; a lower bound ('godt')")


def load(path: Path | str = FIT_TARGETS) -> pd.DataFrame:
    from sim.errors import InputError

    try:
        df = pd.read_csv(path, dtype={"year": str})
    except (OSError, pd.errors.ParserError) as exc:
        raise InputError(str(path), "--targets", str(path),
                         f"a readable targets CSV ({type(exc).__name__})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(str(path), "columns", ", ".join(missing), "the columns "
                         + ", ".join(COLUMNS))
    return df


def main() -> None:
    df = derive()
    df.to_csv(FIT_TARGETS, index=False)
    print(f"wrote {len(df)} targets to {FIT_TARGETS}")


if __name__ == "__main__":
    main()
