"""docs/python/example.py, the worked example of docs/PYTHON.md, runs as written."""

import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def test_the_worked_example_runs_and_draws_its_chart(tmp_path):
    chart = tmp_path / "natives.png"
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "docs", "python", "example.py"), str(tmp_path / "ex.db"), str(chart)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "imported 1,520 posts by 1,215 accounts" in done.stdout
    assert "Mr_Odin" in done.stdout, "the Sydney siege's first native"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000
