"""Observed targets, behavioural parameters and fitting."""

from pathlib import Path

CALIBRATION_DIR = Path(__file__).parent
PARAMS_DIR = CALIBRATION_DIR / "params"
