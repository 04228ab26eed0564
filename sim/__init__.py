"""Discrete-event caseload simulator for Danish employment policy."""

from sim.api import Results, run
from sim.experiment import Experiment, load

__all__ = ["Experiment", "Results", "load", "run"]
