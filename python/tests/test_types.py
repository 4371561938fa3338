"""The package type-checks under mypy --strict (pyproject.toml), where Debian's mypy is installed."""

import subprocess
import sys
from pathlib import Path

import pytest


def test_mypy_strict() -> None:
    pytest.importorskip("mypy", reason="python3-mypy is not installed")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr
