"""Writing results: tables as CSV and Parquet, every file atomically (design principle 8)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


def umask_mode(directory: bool = False) -> int:
    """The mode a new file (or directory) gets under the process's umask: mkstemp and
    mkdtemp make theirs private (0600, 0700), which would hide results from the group."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def atomic(path: Path, write: Callable[[str], object]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def atomic_text(path: Path, text: str) -> Path:
    return atomic(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Each table as ``<name>.csv`` and ``<name>.parquet``, each written atomically."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        written.append(atomic(out / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False)))
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            continue
        written.append(atomic(out / f"{name}.parquet",
                              lambda p, df=df: df.to_parquet(p, index=False)))
    return written


@dataclass
class TableSet:
    """Named DataFrames, also reachable as attributes (``results.stocks``)."""

    tables: dict[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def write(self, out: str | Path) -> list[Path]:
        """Write every table into the folder ``out``."""
        return write_tables(self.tables, Path(out))
