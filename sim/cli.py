"""Command line: ``python -m sim run|schema|policies`` (also the ``caseload-sim`` script)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from sim.errors import InputError, out_folder

WIDTHS = (10, 1000)  # policies --width


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit status 2, like every input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {self.prog}: {' '.join(message.split())}; see {self.prog} --help",
              file=sys.stderr)
        sys.exit(2)


def _run(args: argparse.Namespace) -> int:
    from sim.api import check, run
    from sim.output import FolderLock
    from sim.runner import check_workers

    out = out_folder(args.out)
    check_workers(args.workers)
    check(args.file)  # every input error before the folder is touched
    # One run in the folder from its first part to its published report.
    with FolderLock(out):
        results = run(args.file, workers=args.workers, progress=not args.quiet, out=out,
                      dask=args.dask_local)
        written = results.write(out, report=True)
    if not args.quiet:
        print(f"wrote {len(written)} files to {out} (report: {out / 'report.html'})")
        if "stocks" in results.tables:
            s = results.tables["stocks"]
            first = s[s["replication"] == 0]
            table = first.pivot_table(index="group", columns="year", values="fulltime_persons",
                                      aggfunc="sum")
            print("full-time persons, first scenario and replication:")
            print(table.loc[:, table.columns[:: max(1, len(table.columns) // 5)]].round(0)
                  .to_string())
    return 0


def _schema(_args: argparse.Namespace) -> int:
    from sim.experiment import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _policies(args: argparse.Namespace) -> int:
    import pandas as pd

    import policies
    from sim.experiment import PolicyRef
    from sim.scenario import applied_policies, law_of

    registry = policies.registered()
    if not WIDTHS[0] <= args.width <= WIDTHS[1]:
        raise InputError("policies", "--width", args.width,
                         f"a whole number from {WIDTHS[0]} to {WIDTHS[1]}")
    if not args.name:
        for p in registry.values():
            kind = "bundle of " + str(len(p.members)) if p.members else p.scope
            print(f"{p.name:36s} {p.effective}  {kind:12s} {p.description}  [{p.source}]")
        return 0
    if args.name not in registry:
        raise InputError("policies", "NAME", args.name, "one of " + ", ".join(registry))
    policy = registry[args.name]
    print(f"{policy.name}: {policy.description}\neffective {policy.effective}; "
          f"source: {policy.source}")
    if policy.members:
        print("applies, in order: " + ", ".join(m.name for m in policy.members))
    applied = applied_policies([PolicyRef(name=args.name)], "policies", "NAME")
    changes: list[dict] = []
    law_of(applied, {}, "policies", "NAME", changes)
    if not changes:
        print("changes nothing")
        return 0
    table = pd.DataFrame(changes).rename(columns={"by": "policy"})
    table.insert(1, "kind", ["rule" if c.startswith("rules.") else "parameter"
                             for c in table["parameter"]])
    with pd.option_context("display.max_colwidth", args.width, "display.width", 250):
        print(table.to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m sim", description=__doc__)
    sub = parser.add_subparsers(dest="verb", required=True)
    p_run = sub.add_parser("run", help="run an experiment file and write its tables")
    p_run.add_argument("file", help="experiment file (YAML)")
    p_run.add_argument("--out", required=True, help="run folder for the tables and manifest")
    p_run.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: one per core, at most one per run)")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p_run.add_argument("--dask-local", action="store_true",
                       help="run on a local Dask cluster of --workers processes (the "
                            "experiment's cluster.scheduler, when given, is always used)")
    p_run.set_defaults(func=_run)
    sub.add_parser("schema", help="print the experiment JSON Schema").set_defaults(func=_schema)
    p_pol = sub.add_parser("policies", help="list policies, or show what one changes")
    p_pol.add_argument("name", nargs="?")
    p_pol.add_argument("--width", type=int, default=60, help="widest column (characters)")
    p_pol.set_defaults(func=_policies)
    p_cal = sub.add_parser("calibrate", help="fit the behavioural parameters to the targets "
                           "and write calibration/params/fitted.yaml and a report")
    p_cal.add_argument("--targets", default=None,
                       help="blocks to fit, comma-separated: stocks,spells,exits,activation,"
                            "sanctions (default all)")
    p_cal.add_argument("--target-file", default="calibration/targets/fit_targets.csv")
    p_cal.add_argument("--scale", type=float, default=0.1)
    p_cal.add_argument("--seed", type=int, default=20240101)
    p_cal.add_argument("--iterations", type=int, default=8)
    p_cal.add_argument("--start", default="hand", help="hand (default) or fitted")
    p_cal.add_argument("--params", default="calibration/params/fitted.yaml",
                       help="fitted parameter file to write")
    p_cal.add_argument("--out", default="runs/calibration", help="folder for the report")
    p_cal.add_argument("--report-only", action="store_true",
                       help="only measure the stored parameters and write the report")
    p_cal.add_argument("--quiet", action="store_true")
    p_cal.set_defaults(func=lambda a: __import__("calibration.fit").fit.main(a))
    p_bt = sub.add_parser("backtest", help="run 2011-2019 with the historical law and "
                          "compare with the observed stocks")
    p_bt.add_argument("--scale", type=float, default=0.05)
    p_bt.add_argument("--seed", type=int, default=2011)
    p_bt.add_argument("--out", default="runs/backtest", help="folder for the report")
    p_bt.add_argument("--quiet", action="store_true")
    p_bt.set_defaults(func=lambda a: __import__("calibration.backtest").backtest.main(a))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
