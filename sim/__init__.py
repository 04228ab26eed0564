"""Discrete-event caseload simulator for Danish employment policy.

``sim.run(experiment)`` runs an experiment (a YAML file, a dict or an Experiment) and
returns its tables; ``sim.compare(results)`` compares each reform with the baseline.
scipy and matplotlib are imported where they are first needed, so that
``python -m sim --help`` answers quickly.
"""

from __future__ import annotations

from sim import kernel as _kernel

__version__ = "0.2.0"  # the one place of the version (pyproject.toml reads it from here)

# The compiled kernel, when it was built from the sources as they are now, comes first
# on the package's path, so its modules are imported in place of the plain ones
# (sim/kernel.py). This must happen before any kernel module is imported.
KERNEL = _kernel.status()
if KERNEL == "compiled":
    __path__.insert(0, str(_kernel.KERNEL_DIR))  # noqa: F821 - the package's own path
elif KERNEL == "stale":
    _kernel.warn_stale()

from sim.compare import Comparison, compare  # noqa: E402
from sim.experiment import Experiment, load  # noqa: E402


def __getattr__(name: str):
    """``sim.run`` and ``sim.Results`` load the runner, and with it the law and the
    engine, on first use: importing a module of the vocabulary (``sim.clock``, as the
    policies do) must not import the policies back."""
    if name in ("run", "Results"):
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = ["KERNEL", "Comparison", "Experiment", "Results", "__version__", "compare", "load",
           "run"]
