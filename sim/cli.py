"""Command line: ``python -m sim run|schema|policies|experiments|calibrate|backtest`` (also
the ``caseload-sim`` script). ``python -m sim VERB --help`` explains each verb."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from sim.errors import InputError, out_folder

WIDTHS = (10, 1000)  # policies --width


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit status 2, like every input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {self.prog}: {' '.join(message.split())}; see {self.prog} --help",
              file=sys.stderr)
        sys.exit(2)


def summary(results) -> str:
    """Full-time persons by group and year in the baseline (the first scenario), mean
    over its replications, a few years wide, with the total last."""
    from sim.groups import GROUPS
    from sim.html import number

    stocks = results.tables.get("stocks")
    if stocks is None or not len(stocks):
        return ""
    users = results.manifest.get("user_scenarios") or list(dict.fromkeys(stocks["scenario"]))
    base = stocks[stocks["scenario"] == users[0]]
    n = base["replication"].nunique()
    table = base.pivot_table(index="group", columns="year", values="fulltime_persons",
                             aggfunc="sum", fill_value=0.0) / n
    table = table.reindex([g for g in GROUPS if g in table.index]
                          + sorted(set(table.index) - set(GROUPS)))
    table.loc["total"] = table.sum()
    years = list(table.columns)
    shown = years[:: max(1, len(years) // 5)]
    if years[-1] not in shown:
        shown.append(years[-1])
    table = table[shown].map(lambda v: number(v).replace("\u2212", "-"))
    head = (f"full-time persons in {users[0]} (the baseline), mean of {n} "
            f"replication{'s' if n != 1 else ''}:")
    return head + "\n" + table.to_string()


def _run(args: argparse.Namespace) -> int:
    from sim.api import check, run, write_run
    from sim.output import FolderLock
    from sim.report import headline_text
    from sim.runner import check_workers

    out = out_folder(args.out)
    check_workers(args.workers)
    check(args.file)  # every input error before the folder is touched
    # One run in the folder from its first part to its published report.
    with FolderLock(out):
        results = run(args.file, workers=args.workers, progress=not args.quiet, out=out,
                      dask=args.dask_local, write=False)
        written = write_run(results, out)
    if not args.quiet:
        print(f"wrote {len(written)} files to {out} (report: {out / 'report.html'})")
        text = summary(results)
        if text:
            print(text)
        for line in headline_text(results.compare(), results.manifest):
            print(line)
    return 0


def _schema(_args: argparse.Namespace) -> int:
    from sim.experiment import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _type_name(annotation) -> str:
    """An option's type in words: int, number, date, one of ..., or a union of them."""
    import datetime as dt
    import types
    import typing

    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    return {int: "integer", float: "number", str: "text", bool: "true/false",
            dt.date: "date (YYYY-MM-DD)"}.get(annotation, getattr(annotation, "__name__",
                                                                   str(annotation)))


def option_lines(options_model) -> list[tuple[str, str]]:
    """(option, what it is) for each option of a policy: type, default, allowed values
    and description."""
    out = []
    for name, info in options_model.model_fields.items():
        bounds = [f"{words} {getattr(m, key)}" for m in info.metadata
                  for key, words in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
                  if getattr(m, key, None) is not None]
        text = _type_name(info.annotation)
        if bounds:
            text += " " + " and ".join(bounds)
        if not info.is_required():
            text += f"; default {info.get_default(call_default_factory=True)}"
        if info.description:
            text += f". {info.description}"
        out.append((name, text))
    return out


def _wrap(text: str, indent: str, width: int) -> str:
    import textwrap

    return textwrap.fill(text, width=width, initial_indent=indent,
                         subsequent_indent=indent + "    ", break_on_hyphens=False)


def _policies(args: argparse.Namespace) -> int:
    import shutil
    import textwrap

    import policies
    from sim.experiment import PolicyRef
    from sim.html import clean
    from sim.scenario import applied_policies, law_of

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    registry = policies.registered()
    if not WIDTHS[0] <= args.width <= WIDTHS[1]:
        raise InputError("policies", "--width", args.width,
                         f"a whole number from {WIDTHS[0]} to {WIDTHS[1]}")
    if not args.name:
        pad = max(len(n) for n in registry) + 2
        for p in registry.values():
            kind = f"bundle of {len(p.members)}" if p.members else p.scope
            print(f"{p.name:{pad}s}{p.effective}  {kind}")
            print(textwrap.fill(f"{p.description} [{p.source}]", width=width,
                                initial_indent="    ", subsequent_indent="    ",
                                break_on_hyphens=False))
        print("\n" + _wrap(f"{len(registry)} policies; `python -m sim policies NAME` shows "
                           "one's options and what it changes.", "", width))
        return 0
    if args.name not in registry:
        raise InputError("policies", "NAME", args.name, "one of " + ", ".join(registry))
    policy = registry[args.name]
    print(_wrap(f"{policy.name}: {policy.description}", "", width))
    print(_wrap(f"effective {policy.effective}; scope {policy.scope}"
                + (f"; phase-in {clean(policy.phase_in)}" if policy.phase_in else "")
                + f"; source: {policy.source}", "", width))
    if policy.members:
        print(_wrap("applies, in order: " + ", ".join(m.name for m in policy.members), "",
                    width))
    if policy.not_modelled:
        print("not modelled:")
        for element, why in policy.not_modelled:
            print(_wrap(f"{element}: {why}", "  ", width))
    opts = option_lines(policy.options)
    print("options:" if opts else "options: none")
    for name, text in opts:
        print(_wrap(f"{name}: {text}", "  ", width))
    print(_wrap("where it is used, also: effective (date), scope (everyone or new_spells), "
                "phase_in ({year: share}); e.g. {name: " + policy.name
                + (", options: {" + opts[0][0] + ": ...}" if opts else "") + "}", "", width))
    applied = applied_policies([PolicyRef(name=args.name)], "policies", "NAME")
    changes: list[dict] = []
    law_of(applied, {}, "policies", "NAME", changes)
    moved = [c for c in changes if c["baseline_value"] != c["new_value"]]
    if not moved:
        print("with the default options it changes nothing" + (
            "; set options to change the law" if opts else ""))
        return 0
    print(f"changes{' (with the default options)' if opts else ''}:")

    def short(v) -> str:
        import json

        text = v if isinstance(v, str) else json.dumps(clean(v), default=str)
        return text if len(text) <= args.width else text[:args.width - 3] + "..."

    for c in moved:
        kind = "rule" if c["parameter"].startswith("rules.") else "parameter"
        print(_wrap(f"{c['parameter']} ({kind}): {short(c['baseline_value'])} -> "
                    f"{short(c['new_value'])}", "  ", width))
        when = f"from {c['effective']}" + (f" until {c['until']}" if c["until"] else "")
        share = c["phase_in_share"]
        print(_wrap(f"{when}, {c['scope']}" + (f", phase-in share {share:.2f}"
                                                 if share != 1 else "")
                    + (f", by {c['by']}" if c["by"] != policy.name else "")
                    + f"; source: {c['source']}", "      ", width))
    return 0


def experiments_folder() -> Path:
    """The bundled experiment files: ``experiments/`` beside the packages, in a checkout
    and in an installed package alike (pyproject.toml ships it as package data)."""
    from sim.lawbook import ROOT

    return ROOT / "experiments"


def _experiments(args: argparse.Namespace) -> int:
    import shutil

    import yaml

    folder = experiments_folder()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError(str(folder), "experiments", "no files",
                         "the bundled experiments/*.yaml (reinstall the package)")
    known = {f.stem: f for f in files}
    chosen = [known.get(n.removesuffix(".yaml")) for n in args.names] if args.names else files
    for name, f in zip(args.names, chosen, strict=False):
        if f is None:
            raise InputError("experiments", "NAME", name, "one of " + ", ".join(known))
    if args.copy is None:
        width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
        for f in chosen:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            scenarios = ", ".join(data.get("scenarios") or {})
            print(f"{f.name}")
            what = data.get("description") or "no description"
            print(_wrap(f"{what} ({data.get('years')} years from {data.get('start')}, "
                        f"scale {data.get('scale')}; scenarios: "
                        f"{scenarios})", "    ", width))
        print(f"\nin {folder}; `python -m sim experiments --copy DIR` copies them to edit")
        return 0
    target = Path(args.copy)
    if target.exists() and not target.is_dir():
        raise InputError(str(target), "--copy", str(target), "a directory")
    target.mkdir(parents=True, exist_ok=True)
    for f in chosen:
        dest = target / f.name
        if dest.exists() and not args.force:
            raise InputError(str(dest), "--copy", str(dest),
                             "a file that does not exist yet (or --force to overwrite)")
    for f in chosen:
        shutil.copyfile(f, target / f.name)
        print(target / f.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    from sim import __version__

    parser = _Parser(prog="python -m sim", description=__doc__)
    parser.add_argument("--version", action="version", version=f"caseload-sim {__version__}")
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
    p_pol.add_argument("--width", type=int, default=60,
                       help="longest value shown (characters)")
    p_pol.set_defaults(func=_policies)
    p_exp = sub.add_parser("experiments", help="list the bundled experiment files, or copy "
                           "them (--copy DIR) to start your own")
    p_exp.add_argument("names", nargs="*", metavar="NAME", help="only these (default: all)")
    p_exp.add_argument("--copy", metavar="DIR", default=None, help="copy them into DIR")
    p_exp.add_argument("--force", action="store_true", help="overwrite files in DIR")
    p_exp.set_defaults(func=_experiments)
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
    p_bt.add_argument("--inflows", choices=("held", "path"), default="held",
                      help="inflows of new spells after 2011: held at the 2011 level "
                           "(default) or a straight line to the fitted 2024 level; the "
                           "report shows both")
    p_bt.add_argument("--derive-inflows", action="store_true",
                      help="print the 2011 inflows that hold the 2011 stocks stationary "
                           "(for experiments/backtest_2011.yaml) and stop")
    p_bt.add_argument("--iterations", type=int, default=10,
                      help="fixed-point steps of --derive-inflows")
    p_bt.add_argument("--quiet", action="store_true")
    p_bt.set_defaults(func=lambda a: __import__("calibration.backtest").backtest.main(a))
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _call(args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning about the user's input as one line on stderr; others as Python shows them."""
    if category.__name__ == "SettingOverridden":
        print(f"warning: {message}", file=sys.stderr)
    else:
        _SHOW_WARNING(message, category, filename, lineno, file, line)


_SHOW_WARNING = warnings.showwarning


def _call(args: argparse.Namespace) -> int:
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
