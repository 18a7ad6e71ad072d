"""sweepgrad bench speed: one run prints the floor, the dynamic engine running and
paused, the compiled replay and nn.fit compiled against dynamic, side by side;
its progress bar (tiny sizes)."""

import io
import re

import pytest

from engine.app.benchmarks import compile_modes
from engine.app.benchmarks.fit_speed import fit_speedup
from engine.app.benchmarks.speed import SIDE_BY_SIDE, report, run, time_side_by_side
from engine.app.cli import main
from tests.terminal import FakeTerminal, bars_allowed  # noqa: F401  # a fixture


def test_bench_speed_prints_every_way_side_by_side(capsys):
    code = main(["bench", "speed", "--links", "300", "--distinct-links", "50", "--points", "4",
                 "--repeats", "1", "--compile-nodes", "3000", "--fit-epochs", "1",
                 "--no-workloads", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    header = out.splitlines()[0]
    for column in ("floats ns/node", "running ns/node", "paused ns/node", "compiled ns/node",
                   "compile s", "repaid after"):
        assert column in header
    assert re.search(r"chain, 300 links +\d+ +\d+ +[\d.]+ ", out)
    assert "chain, 50 links, w and b per link" in out
    assert "compiled bytes/node" in out and "distinct" in out
    assert re.search(r"irregular, 3000 nodes +\d+ +code .*\n.*irregular, 3000 nodes +\d+ +tape",
                     out)
    assert "same history, loss for loss: yes" in out


def test_distinct_links_0_skips_that_chain(capsys):
    code = main(["bench", "speed", "--links", "100", "--distinct-links", "0", "--points", "3",
                 "--repeats", "1", "--compile-nodes", "0", "--fit-epochs", "0",
                 "--no-workloads", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "chain, 100 links" in out and "per link" not in out


def test_the_figures_are_consistent():
    (chain, mlp) = run(links=200, points=3, repeats=1, quiet=True)
    assert chain.nodes == 3 * 200 + 3  # x, w, b and three nodes per link
    for result in (chain, mlp):
        assert result.floats_ns > 0 and result.compiled_ns > 0 and result.compile_seconds > 0
        assert result.graph_bytes > result.compiled_bytes > 0
        assert result.ratio(result.floats_ns) == 1.0


def test_code_and_tape_side_by_side():
    results = compile_modes.run(nodes=2000, repeats=1)
    assert [(r.graph, r.mode) for r in results] == [
        ("irregular, 2000 nodes", "code"), ("irregular, 2000 nodes", "tape"),
        ("chain, 666 links", "code"), ("chain, 666 links", "tape")]
    assert sum(r.chosen for r in results) == 2  # auto picks one way per graph
    for result in results:
        assert result.compile_seconds > 0 and result.bytes_per_node > 0 and result.replay_ns > 0
    tape = results[1]
    assert tape.bytes_per_node < 40
    assert "auto picks" in compile_modes.report(results)


def test_fit_compiled_and_dynamic_agree():
    result = fit_speedup(epochs=1, n=40)
    assert result["same_history"] is True
    assert result["steps"] == 3


@pytest.mark.usefixtures("bars_allowed")
def test_a_bar_on_a_terminal_counts_the_workloads():
    terminal = FakeTerminal()
    results = run(links=200, points=5, repeats=1, stream=terminal)
    assert [r.name for r in results] == ["chain, 200 links", "MLP step, 5 points"]
    text = terminal.getvalue()
    assert "speed" in text and "2/2" in text and "MLP step, 5 points" in text
    table = report(results).splitlines()
    assert [row.split("  ")[0] for row in table[2:4]] == ["chain, 200 links", "MLP step, 5 points"]


@pytest.mark.usefixtures("bars_allowed")
def test_quiet_and_pipes_get_no_bar():
    quiet, pipe = FakeTerminal(), io.StringIO()
    run(links=50, points=3, repeats=1, quiet=True, stream=quiet)
    run(links=50, points=3, repeats=1, stream=pipe)
    assert quiet.getvalue() == "" and pipe.getvalue() == ""


def test_one_chain_per_length_asked():
    results = run(links=[50, 80], points=3, repeats=1, quiet=True)
    assert [r.name for r in results] == ["chain, 50 links", "chain, 80 links", "MLP step, 3 points"]
    assert [r.nodes for r in results[:2]] == [3 * 50 + 3, 3 * 80 + 3]


def test_the_floor_and_the_replay_take_turns_after_an_untimed_run_each():
    # Whichever ran first after a dynamic step met cold caches and was measured
    # slower: both run once untimed, then take turns, the first place changing.
    calls = []
    floats, replay = [], []
    ways = [(lambda: calls.append("floats"), floats), (lambda: calls.append("replay"), replay)]
    time_side_by_side(ways, first=1)
    assert calls == ["floats", "replay"] + ["replay", "floats"] * SIDE_BY_SIDE
    assert len(floats) == len(replay) == SIDE_BY_SIDE and min(floats + replay) >= 0.0
    calls.clear()
    time_side_by_side(ways, first=0)
    assert calls[2:4] == ["floats", "replay"]
