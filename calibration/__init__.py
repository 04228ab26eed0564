"""Observed targets, behavioural parameters and fitting."""

from sim.lawbook import BEHAVIOUR_DIR, MUNICIPALITIES_FILE

PARAMS_DIR = BEHAVIOUR_DIR
CALIBRATION_DIR = MUNICIPALITIES_FILE.parent
TARGETS_DIR = CALIBRATION_DIR / "targets"
