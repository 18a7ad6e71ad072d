"""sweepgrad bench speed: its figures, its table and its progress bar (tiny sizes)."""

import io

import pytest

from engine.app.benchmarks.speed import report, run
from tests.terminal import FakeTerminal, bars_allowed  # noqa: F401  # a fixture

pytestmark = pytest.mark.usefixtures("bars_allowed")


def test_four_measurements_with_a_bar_on_a_terminal():
    terminal = FakeTerminal()
    results = run(links=200, points=5, repeats=1, stream=terminal)
    assert [(r.name, r.collector) for r in results] == [
        ("chain, 200 links", "running"), ("MLP step, 5 points", "running"),
        ("chain, 200 links", "paused"), ("MLP step, 5 points", "paused")]
    assert results[0].nodes == 3 * 200 + 3  # x, w, b and three nodes per link
    assert all(r.forward_ns_per_node > 0 and r.bytes_per_node > 0 for r in results)
    text = terminal.getvalue()
    assert "speed" in text and "4/4" in text and "MLP step, 5 points, collector paused" in text
    assert "x floats" in report(results)


def test_quiet_and_pipes_get_no_bar():
    quiet, pipe = FakeTerminal(), io.StringIO()
    run(links=50, points=3, repeats=1, quiet=True, stream=quiet)
    run(links=50, points=3, repeats=1, stream=pipe)
    assert quiet.getvalue() == "" and pipe.getvalue() == ""
