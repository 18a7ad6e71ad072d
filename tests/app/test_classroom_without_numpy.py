"""The classroom's checks import without numpy (as in the browser before numpy is loaded),
and chapters 6 and 9, which need it, say so when checked."""

import subprocess
import sys

PROGRAM = """
import sys
sys.modules["numpy"] = None  # as if not installed: importing it raises ModuleNotFoundError
import nn
from engine.app.classroom import EXERCISES, check, run_checks

def two_layer_gradients(V, W, x, y):
    return 0.0, [V, W]

def softmax_gradients(W, z, t):
    return 0.0, W, z

print(sorted(EXERCISES))
print(run_checks("6.1", {"two_layer_gradients": two_layer_gradients}).report())
print(run_checks("9.2", {"softmax_gradients": softmax_gradients}).report())
"""


def test_checks_import_without_numpy_and_chapters_6_and_9_ask_for_it():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    listed, report = done.stdout.split("\n", 1)
    assert "'2.2'" in listed and "'6.1'" in listed
    assert report.count("numpy is not installed") >= 2 and "%pip install numpy" in report
    assert "Exercise 6.1" in report and "Exercise 9.2" in report
