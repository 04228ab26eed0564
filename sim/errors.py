"""Errors that reach the user as one line: file, field, bad value, what is allowed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


class _Missing:
    """The value of a field that was not given at all."""

    def __repr__(self) -> str:
        return "nothing"


MISSING = _Missing()


class InputError(Exception):
    """Bad input from an experiment file, a parameter or a policy name.

    The CLI prints ``str(error)`` on one line and exits with status 2.
    """

    def __init__(self, source: str, field: str, value: object, allowed: str) -> None:
        self.source, self.field, self.value, self.allowed = source, field, value, allowed
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        message = f"{source}: {field}: got {shown}; allowed: {allowed}"
        super().__init__(" ".join(message.split()))


def out_folder(value: str) -> Path:
    """A command's ``--out``: a directory, new or existing (``~`` is the home folder)."""
    if not value.strip() or "\0" in value:
        raise InputError("--out", "--out", value, "a directory (new or existing), not empty")
    out = Path(value).expanduser()
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", str(out), "a directory (new or existing)")
    return out


def scale_share(command: str, value: float) -> float:
    """A command's ``--scale``: the sample share, in (0, 1]."""
    if not 0 < value <= 1:
        raise InputError(command, "--scale", value, "a share in (0, 1]")
    return value


def exit_with(main: Callable[[], int]) -> None:
    """Run a module's command-line ``main`` and exit with its status; bad input is one
    line on stderr and status 2 (``python -m calibration.effort`` and the like)."""
    try:
        raise SystemExit(main())
    except InputError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None
