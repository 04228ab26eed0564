"""The compiled kernel: the engine's hot modules built with Cython, used only when fresh.

``setup.py`` compiles the modules in ``MODULES`` from their own ``.py`` sources, typed
by the ``.pxd`` files beside them, into ``sim/_kernel/`` and writes the fingerprint of
those sources there. ``sim/__init__.py`` puts that folder first on the package's path
when the fingerprint matches the sources as they are now, so an edited module never
runs from a stale build: all the modules then run as plain Python (with a warning),
which gives the same results, only slower. ``CASELOAD_SIM_KERNEL=python`` asks for
plain Python. This module imports nothing from the package, so setup.py can read it.
"""

from __future__ import annotations

import hashlib
import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

# The modules of the event loop, in dependency order (a .pxd cimports only earlier
# ones). Those with a .pxd beside them get C types; the others are compiled as they are.
MODULES = ("random", "hazards", "citizen", "population", "process", "spell", "ledger", "law",
           "model")
PACKAGE_DIR = Path(__file__).resolve().parent
KERNEL_FOLDER = "_kernel"  # beside the package's modules: sim/_kernel/
KERNEL_DIR = PACKAGE_DIR / KERNEL_FOLDER
FINGERPRINT_FILE = "FINGERPRINT"
ENV = "CASELOAD_SIM_KERNEL"  # "python": do not use the compiled kernel


def fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """sha256 over the kernel modules' .py sources and the .pxd files of those that have
    one (a module without is compiled as it is, with Python objects throughout)."""
    h = hashlib.sha256()
    for name in MODULES:
        for suffix in (".py", ".pxd"):
            path = package_dir / (name + suffix)
            if path.is_file():
                h.update(f"{name}{suffix}\0".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def status(package_dir: Path = PACKAGE_DIR) -> str:
    """``compiled`` (built from the sources as they are), ``stale`` (built from other
    sources), ``absent`` (not built) or ``disabled`` (CASELOAD_SIM_KERNEL=python)."""
    if os.environ.get(ENV, "").lower() == "python":
        return "disabled"
    kernel = package_dir / KERNEL_FOLDER
    built = kernel / FINGERPRINT_FILE
    # Built for this interpreter: another Python version would skip the files and import
    # the plain modules, so they count as absent.
    if not built.is_file() or not all(any((kernel / (m + suffix)).is_file()
                                          for suffix in EXTENSION_SUFFIXES)
                                      for m in MODULES):
        return "absent"
    return "compiled" if built.read_text().strip() == fingerprint(package_dir) else "stale"


def warn_stale() -> None:
    """One line on a terminal's stderr (main process only) when the build is out of date.
    Not on a pipe: the command line's errors stay one line (benchmarks print the status)."""
    import multiprocessing
    import sys

    if multiprocessing.parent_process() is None and sys.stderr.isatty():
        print("note: the compiled kernel in sim/_kernel/ was built from other sources; "
              "running the plain Python modules (same results, slower). Rebuild it with "
              "`pip install -e .`", file=sys.stderr)
