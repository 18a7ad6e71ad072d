"""Running the ``sweepgrad`` command as a user types it, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def sweepgrad(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script (or the module, if it is not installed)."""
    script = Path(sys.executable).with_name("sweepgrad")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "engine.app.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)


def run_in(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the installed console script in ``folder``, as a student or a teacher there would."""
    script = Path(sys.executable).with_name("sweepgrad")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=folder,
                          timeout=300)
