"""benchmarks/bench_sliders.py runs and reports every slider (never how fast: speed is the
benchmark's to measure, not a test's to assert).

The browser run uses notebook 01 (one slider, a few seconds to run) in quick mode; the
run outside the browser (--callbacks) uses 07, which has two sliders.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_helpers import missing_browser

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_sliders.py"
NUMBER = r"\d+\.\d{3}"


def run(*args: str, timeout: float = 600) -> str:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_the_callbacks_of_every_slider_are_timed_outside_the_browser():
    out = run("--callbacks", "--moves", "2", "07")
    assert out.startswith("machine: ") and "load average" in out
    lines = [line for line in out.splitlines() if line.startswith("07_")]
    assert len(lines) == 2, out  # the learning rate and the spectral radius
    for k, line in enumerate(lines, start=1):
        assert re.search(rf"slider {k} \(\w+\): wall median {NUMBER} s, worst {NUMBER} s; "
                         rf"CPU median {NUMBER} s, worst {NUMBER} s; load \d+\.\d\d$", line), line


@pytest.mark.browser
@pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))
def test_the_browser_run_reports_every_slider():
    out = run("--quick", "--markdown", "01")
    lines = [line for line in out.splitlines() if line.startswith("01_")]
    assert len(lines) == 1, out  # notebook 01 has one slider
    assert re.search(rf"slider 1 \(learning rate\): median {NUMBER} s, worst {NUMBER} s; "
                     rf"busy label in \d of 2 moves.*; moves {NUMBER} {NUMBER}; load ", lines[0]), \
        lines[0]
    assert "| 01 | learning rate |" in out and "load average before" in out
