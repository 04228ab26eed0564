"""Writing results: tables as CSV and Parquet, every file atomically (design principle 8).

A run folder holds one run or none. While a run works in it, it holds the lock
(:class:`FolderLock`), and a second run into the same folder is refused. Its results are
published together (:func:`publish`): written into a staging folder inside it, then
moved into place with ``manifest.json`` last, which lists every published file with its
sha256. A reader that finds no manifest, or files that differ from it
(:func:`published_run`), holds no complete run. Leftovers of a killed run (staging
folders, temporary files) are removed by the next run (:func:`clean_leftovers`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError

try:
    import fcntl
except ImportError:  # not POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
LOCK = ".lock"
STAGING = ".staging-"
SPILL = ".shards-"


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


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def folder_error(out: Path, exc: OSError) -> InputError:
    """An OSError while writing into a run folder (disk full, read-only) as one line."""
    return InputError(str(out), "--out", str(out),
                      f"a writable directory with free space ({exc.strerror or type(exc).__name__}"
                      "); finished parts are kept, so the same command resumes")


class FolderLock:
    """An exclusive lock on a run folder while a run works in it (``flock`` on
    ``<folder>/.lock``; the operating system releases it when the process ends, however
    it ends). Re-entrant within a process. A second process is refused with one line."""

    _held: dict[Path, tuple[int, int]] = {}  # folder -> (descriptor, depth)

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def __enter__(self) -> FolderLock:
        key = self.folder.resolve()
        if key in self._held:
            fd, depth = self._held[key]
            self._held[key] = (fd, depth + 1)
            return self
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise folder_error(self.folder, exc) from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                try:
                    holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another"
                finally:
                    os.close(fd)
                raise InputError(str(self.folder), "--out", str(self.folder),
                                 f"a run folder that no other run is using (process {holder} "
                                 "is running in it; wait for it, or choose another folder)"
                                 ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._held[key] = (fd, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        key = self.folder.resolve()
        fd, depth = self._held[key]
        if depth > 1:
            self._held[key] = (fd, depth - 1)
            return
        del self._held[key]
        os.close(fd)  # releases the lock; the file stays (removing it would race)


def clean_leftovers(out: Path) -> None:
    """Remove what a killed run left in ``out``: staging and spill folders, temporary
    files of atomic writes. Call only while holding the folder's lock."""
    if not out.is_dir():
        return
    for path in [*out.glob(STAGING + "*"), *out.glob(SPILL + "*")]:
        shutil.rmtree(path, ignore_errors=True)
    for folder in (out, out / "figures", out / "parts"):
        for path in folder.glob(".*.tmp") if folder.is_dir() else []:
            path.unlink(missing_ok=True)


def published_run(out: str | Path) -> dict[str, Any] | None:
    """The manifest of the run published in ``out`` when the folder holds one complete run
    (a manifest whose files are all there with their sha256), else None."""
    out = Path(out)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if all(sha256_file(out / rel) == sha for rel, sha in files.items()):
            return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def publish(out: Path, fill: Callable[[Path], object], manifest: dict[str, Any]
            ) -> list[Path]:
    """Publish one run's results in ``out`` together: ``fill(staging)`` writes them into
    a staging folder inside ``out``; then the old manifest goes (from here the folder holds
    no complete run), the old run's files that the new one lacks go, the new files move
    into place, and ``manifest.json`` (``manifest`` with ``files``: path -> sha256) comes
    last. A failure before the old manifest goes leaves the old run as it was."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING))
    try:
        fill(staging)
        files = {p.relative_to(staging).as_posix(): sha256_file(p)
                 for p in sorted(staging.rglob("*")) if p.is_file() and p.name != MANIFEST}
        atomic_text(staging / MANIFEST, json.dumps({**manifest, "files": files}, indent=2,
                                                   default=str) + "\n")
        old: set[str] = set()
        try:
            listed = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("files")
            old = set(listed) if isinstance(listed, dict) else set()
        except (OSError, ValueError, AttributeError):
            pass
        (out / MANIFEST).unlink(missing_ok=True)
        for rel in sorted(old - set(files)):
            target = (out / rel).resolve()
            if target.parent == out.resolve() or out.resolve() in target.parents:
                target.unlink(missing_ok=True)
        for rel in files:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
        os.replace(staging / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / rel for rel in files] + [out / MANIFEST]
