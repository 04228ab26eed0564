"""A new analyst's first hour with caseload-sim, end to end.

    python examples/tutorial.py                 # writes runs/tutorial/
    python examples/tutorial.py --out DIR --scale 0.01 --years 5 --replications 4

Five steps, each a few lines you can copy into a notebook:

1. run the baseline (current law) and read its tables;
2. write a reform as an experiment file: a shorter dagpenge period;
3. run baseline and reform together and compare them (paired replications);
4. read the report: the headline answers first, report.html has the rest;
5. cost one citizen's path by hand, without simulating.

The defaults are tiny (a 0.2 % sample, 2 years, 2 replications) so the script runs in
seconds; the intervals are then wide. For real answers use the bundled experiments
(`python -m sim experiments`) or raise --scale, --years and --replications.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import yaml

import sim
from sim.path_cost import cost_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/tutorial", help="folder for everything written")
    parser.add_argument("--scale", type=float, default=0.002, help="sample share")
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # 1. The baseline: current law from 2024. An experiment is a YAML file or a dict with
    #    the same fields (`python -m sim schema` lists them all).
    print("1. The baseline")
    baseline = {
        "name": "tutorial_baseline", "start": "2024-01-01", "years": args.years,
        "scale": args.scale, "seed": 2024, "replications": args.replications,
        "scenarios": {"baseline": {"policies": ["current_law_2024"]}},
        "outputs": ["stocks", "flows", "finance"],
    }
    res = sim.run(baseline, workers=args.workers)
    print(repr(res))
    persons = (res.stocks.groupby(["year", "replication"])["fulltime_persons"].sum()
               .groupby("year").mean())
    print("full-time persons on public support by year (mean over replications):")
    print(persons.round(0).to_string())

    # 2. A reform: dagpenge for 52 weeks instead of 104 from 2025. Which policies exist
    #    and what they take: `python -m sim policies` and `python -m sim policies NAME`.
    print("\n2. A reform, written as an experiment file")
    reform = {
        **baseline, "name": "tutorial_reform",
        "description": "Dagpenge 52 weeks from 2025 against current law",
        "scenarios": {
            "baseline": {"policies": ["current_law_2024"]},
            "shorter_dagpenge": {"policies": [
                "current_law_2024",
                {"name": "dagpenge_period",
                 "options": {"weeks": 52, "effective": "2025-01-01"}}]},
        },
        "compare": {"years": [2024 + args.years - 1]},
    }
    path = out / "shorter_dagpenge.yaml"
    path.write_text(yaml.safe_dump(reform, sort_keys=False), encoding="utf-8")
    print(f"wrote {path}")

    # 3. Run and compare. With `out`, the run folder gets the tables, manifest.json, the
    #    comparison tables and report.html (and a rerun into it resumes).
    print("\n3. Baseline and reform, compared replication by replication")
    folder = out / "shorter_dagpenge"
    res = sim.run(path, workers=args.workers, out=folder)
    cmp = res.compare()
    head = cmp.headline.set_index("measure")
    for measure in ("revenue_mio_kr", "employment", "fulltime_persons"):
        r = head.loc[measure]
        print(f"{measure:18s} {r['difference']:+12,.0f}   95 % CI {r['ci_low']:,.0f} to "
              f"{r['ci_high']:,.0f}")
    print("revenue by payer (mio. kr, + = lower expenditure):")
    rev = cmp.revenue.query("statistic == 'estimate'")[["payer", "permanent"]].round(0)
    print(rev.to_string(index=False))

    # 4. The report: open report.html in a browser. The headline states the reform's
    #    revenue by payer, employment and full-time persons in words and numbers.
    print("\n4. The report")
    from sim.report import headline_text

    for line in headline_text(cmp, res.manifest):
        print(line)
    print(f"report: {folder / 'report.html'}")

    # 5. One citizen's path costed by hand: 30 weeks of dagpenge, then 40 weeks of
    #    jobparat kontanthjælp. Money in mio. kr; the state's share is the refusion.
    print("\n5. One citizen's path")
    money = cost_path([
        {"group": "dagpenge", "start": dt.date(2024, 1, 1), "weeks": 30},
        {"group": "kontanthjaelp_jobparat", "start": dt.date(2024, 7, 29), "weeks": 40},
    ])
    by_payer = (money.groupby("payer")["mio_kr"].sum() * 1e6).round(0)
    print("kr by payer over the path:")
    print(by_payer.to_string())
    money.to_csv(out / "one_citizen.csv", index=False)
    print(f"\ndone: everything is in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
