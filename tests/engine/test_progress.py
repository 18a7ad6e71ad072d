"""engine.progress_bar: which bar is drawn where, and what it prints."""

import io
import sys

import pytest

from engine import progress_bar
from engine.progress import wanted
from tests.terminal import FakeTerminal, bars_allowed  # noqa: F401  # a fixture

pytestmark = pytest.mark.usefixtures("bars_allowed")


def test_a_terminal_gets_a_text_bar_with_count_and_postfix():
    terminal = FakeTerminal()
    with progress_bar(3, "work", stream=terminal) as bar:
        for step in range(3):
            bar.set_postfix_str(f"item {step}", refresh=False)
            bar.update()
    text = terminal.getvalue()
    assert "work" in text and "3/3" in text and "item 2" in text
    assert text.endswith("\n")  # the finished bar is left on its own line


@pytest.mark.parametrize("setting", [("CI", "true"), ("SWEEPGRAD_PROGRESS", "0")])
def test_ci_and_the_switch_silence_it(monkeypatch, setting):
    monkeypatch.setenv(*setting)
    terminal = FakeTerminal()
    with progress_bar(2, "work", stream=terminal) as bar:
        bar.update(2)
    assert terminal.getvalue() == ""
    assert wanted(terminal) is None


def test_ci_false_is_not_ci(monkeypatch):
    monkeypatch.setenv("CI", "false")
    assert wanted(FakeTerminal()) == "text"


def test_pipes_and_quiet_get_nothing():
    pipe = io.StringIO()
    with progress_bar(2, "work", stream=pipe) as bar:
        bar.update(2)
    assert pipe.getvalue() == ""
    assert wanted(FakeTerminal(), quiet=True) is None


def test_a_jupyter_kernel_gets_the_notebook_front_end(monkeypatch):
    """Inside a ZMQ kernel the bar goes to the notebook: a widget when ipywidgets is there."""

    class ZMQInteractiveShell:  # the name is what the check reads
        pass

    class FakeIPython:
        @staticmethod
        def get_ipython():
            return ZMQInteractiveShell()

    monkeypatch.setitem(sys.modules, "IPython", FakeIPython)
    monkeypatch.setattr("engine.progress._has_widgets", lambda: True)
    assert wanted(None) == "notebook"
    monkeypatch.setattr("engine.progress._has_widgets", lambda: False)
    assert wanted(None) == "text"  # no "IProgress not found" warning: a text bar instead
    assert wanted(io.StringIO()) is None  # an explicit capture is still not a notebook


def test_total_is_checked():
    with pytest.raises(ValueError, match="total must be an int >= 0"):
        progress_bar(-1)
