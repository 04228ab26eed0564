"""Wall time of a reduced calibration (the end-to-end calibrate test's set-up).

    .venv/bin/python benchmarks/calibrate_speed.py [--repeat 3]

Runs ``python -m sim calibrate --targets stocks,sanctions,shapes --scale 0.01
--iterations 1`` in a fresh subprocess into a temporary folder, ``--repeat`` times, and
reports each wall time and the best against the target (60 s on the 2-core machine).
Speed is measured here, not asserted by a test: a loaded machine must not fail the suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0


def run_once() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-calibrate-") as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "calibrate", "--targets",
                        "stocks,sanctions,shapes", "--scale", "0.01", "--iterations", "1",
                        "--params", str(Path(tmp) / "fitted.yaml"), "--out",
                        str(Path(tmp) / "out"), "--quiet"], check=True)
        return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best counts)")
    args = parser.parse_args()
    times = [run_once() for _ in range(max(1, args.repeat))]
    best = min(times)
    print("runs: " + ", ".join(f"{t:.1f} s" for t in times))
    print(f"best: {best:.1f} s (target < {TARGET_SECONDS:.0f} s): "
          + ("met" if best < TARGET_SECONDS else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
