"""The classroom's checks import without numpy (as in the browser before numpy is loaded),
and chapter 6, which needs it, says so when checked."""

import subprocess
import sys

PROGRAM = """
import sys
sys.modules["numpy"] = None  # as if not installed: importing it raises ModuleNotFoundError
import nn
from engine.app.classroom import EXERCISES, check, run_checks

def two_layer_gradients(V, W, x, y):
    return 0.0, [V, W]

result = run_checks("6.1", {"two_layer_gradients": two_layer_gradients})
print(sorted(EXERCISES))
print(result.report())
"""


def test_checks_import_without_numpy_and_chapter_6_asks_for_it():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    listed, report = done.stdout.split("\n", 1)
    assert "'2.2'" in listed and "'6.1'" in listed
    assert "numpy is not installed" in report and "%pip install numpy" in report
