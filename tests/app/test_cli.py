"""The ``sweepgrad`` command line: help and argument errors.

The demo itself (training, benchmarks, drawings) is exercised by the tests
of the parts it runs; here only what every command shares.
"""

import subprocess
import sys

import pytest

from engine.app.cli import main
from tests.helpers.commands import sweepgrad


def test_help_lists_the_demo_command():
    result = sweepgrad("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sweepgrad")
    assert "demo" in result.stdout


def test_demo_help_documents_the_output_folder():
    result = sweepgrad("demo", "--help")
    assert result.returncode == 0, result.stderr
    assert "--out" in result.stdout


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "required" in capsys.readouterr().err


def test_an_unknown_command_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["no-such-command"])
    assert exit_.value.code == 2
    assert "no-such-command" in capsys.readouterr().err


def test_building_the_parser_imports_nothing_heavy():
    # Help must stay instant: commands import matplotlib, numpy, graphviz or torch only
    # when run. (nn is light, and its registries give the choices of `sweepgrad train`.)
    heavy = ("matplotlib", "torch", "numpy", "PIL", "graphviz")
    code = (
        "import sys; from engine.app.cli import build_parser; build_parser(); "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

