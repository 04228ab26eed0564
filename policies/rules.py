"""Alternative rules that policies put in force at the engine's hooks (sim/rules.py)."""

from __future__ import annotations
