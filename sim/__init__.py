"""Discrete-event caseload simulator for Danish employment policy."""

from sim.api import Results, run
from sim.compare import Comparison, compare
from sim.experiment import Experiment, load

__all__ = ["Comparison", "Experiment", "Results", "compare", "load", "run"]
