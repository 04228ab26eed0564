"""Discrete-event caseload simulator for Danish employment policy."""

from sim import kernel as _kernel

# The compiled kernel, when it was built from the sources as they are now, comes first
# on the package's path, so its modules are imported in place of the plain ones
# (sim/kernel.py). This must happen before any kernel module is imported.
KERNEL = _kernel.status()
if KERNEL == "compiled":
    __path__.insert(0, str(_kernel.KERNEL_DIR))  # noqa: F821 - the package's own path
elif KERNEL == "stale":
    _kernel.warn_stale()

from sim.api import Results, run  # noqa: E402
from sim.compare import Comparison, compare  # noqa: E402
from sim.experiment import Experiment, load  # noqa: E402

__all__ = ["KERNEL", "Comparison", "Experiment", "Results", "compare", "load", "run"]
