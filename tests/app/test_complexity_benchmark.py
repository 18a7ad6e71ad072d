"""The complexity benchmark: its graphs against independent formulas, the slope
fit, and one quick run end to end (counts, slopes, skips, CSV, JSON, PNG, CLI)."""

import csv
import io
import json
import math
import random
import re
from contextlib import redirect_stdout

import numpy as np
import pytest

from engine import Value, sweep_gradients, topological_order
from engine.app.benchmarks import complexity
from engine.app.benchmarks.power_law import fit_power_law, local_slopes
from engine.app.cli import main
from engine.examples import chain, diamonds, mlp, mlp_parameter_count

# --- the graphs ------------------------------------------------------------------


def graph_of(problem):
    leaves = [Value(x) for x in problem.inputs]
    root = problem.build(*leaves)
    order = topological_order(root)
    return root, leaves, len(order), sum(len(n.parents) for n in order)


@pytest.mark.parametrize("length", [1, 7, 100])
def test_chain_is_the_lectures_product(length):
    problem = chain(length, seed=3)
    root, leaves, nodes, edges = graph_of(problem)
    assert root.data == pytest.approx(math.prod(problem.inputs), rel=1e-13)
    assert (nodes, edges) == (2 * length + 3, 2 * length + 2)
    assert problem.parameters == length + 1


@pytest.mark.parametrize("width, depth", [(1, 1), (3, 2), (5, 3)])
def test_mlp_matches_the_matrix_formula(width, depth):
    problem = mlp(width, depth, seed=7)
    root, leaves, _, _ = graph_of(problem)
    numbers = np.array(problem.inputs)
    x, y, rest = numbers[:3], numbers[3], numbers[4:]
    assert rest.size == problem.parameters == mlp_parameter_count(width, depth)
    activations, fan_in = x, 3
    for _ in range(depth):
        W, rest = rest[: width * fan_in].reshape(width, fan_in), rest[width * fan_in :]
        activations, fan_in = np.maximum(W @ activations, 0.0), width
    alpha, b = rest[:width], rest[width]
    loss = (alpha @ activations + b - y) ** 2
    assert root.data == pytest.approx(loss, rel=1e-12)
    # The lecture's matrix-form gradient of the output weights:
    # ∂ℓ/∂α = 2(h − y)·z, with z the last hidden activations.
    grads = sweep_gradients(root, leaves)
    alpha_leaves = leaves[-width - 1 : -1]
    h = alpha @ activations + b
    for leaf, z in zip(alpha_leaves, activations, strict=True):
        assert grads[leaf] == pytest.approx(2 * (h - y) * z, rel=1e-12, abs=1e-15)


def test_diamonds_value_and_size():
    problem = diamonds(9, seed=2)
    root, leaves, nodes, edges = graph_of(problem)
    p = problem.inputs
    assert root.data == pytest.approx(p[0] * math.prod(p[i] + p[i + 1] for i in range(1, 19, 2)))
    assert (nodes, edges) == (5 * 9 + 1, 6 * 9)


# --- the fit ---------------------------------------------------------------------


def test_fit_recovers_exact_power_laws():
    sizes = [3, 10, 40, 200, 1000]
    for k in (1.0, 2.0, 0.5):
        fit = fit_power_law(sizes, [7.0 * s**k for s in sizes])
        assert fit.slope == pytest.approx(k, abs=1e-12)
        assert math.exp(fit.intercept) == pytest.approx(7.0, rel=1e-10)
        assert fit.r_squared == pytest.approx(1.0, abs=1e-12)
    assert local_slopes(sizes, [s**2 for s in sizes]) == pytest.approx([2.0] * 4)


def test_fit_r_squared_drops_for_noise_and_for_exponentials():
    rng = random.Random(0)
    sizes = list(range(1, 30))
    noisy = fit_power_law(sizes, [s * math.exp(rng.gauss(0, 0.5)) for s in sizes])
    assert 0.0 < noisy.r_squared < 0.99
    exponential = fit_power_law(sizes, [2.0**s for s in sizes])
    assert exponential.r_squared < 0.9
    slopes = local_slopes(sizes, [2.0**s for s in sizes])
    assert slopes == sorted(slopes) and slopes[-1] > 10 * slopes[0]


def test_fit_rejects_what_it_cannot_fit():
    with pytest.raises(ValueError, match="positive"):
        fit_power_law([1, 2], [0.0, 1.0])
    with pytest.raises(ValueError, match="two different sizes"):
        fit_power_law([5, 5], [1.0, 2.0])
    with pytest.raises(ValueError, match="length"):
        fit_power_law([1, 2, 3], [1.0, 2.0])


# --- one quick run, end to end ---------------------------------------------------------


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("complexity")
    return complexity.run_complexity(quick=True, out_dir=out, quiet=True)


def fit_of(results, family, method):
    return next(f for f in results.fits if f["family"] == family and f["method"] == method)


def test_quick_run_slopes(quick):
    sweep = fit_of(quick, "chain", "sweep")
    per_edge = fit_of(quick, "chain", "per-edge chain rule")
    finite = fit_of(quick, "chain", "finite differences")
    assert 0.98 <= sweep["work_slope"] <= 1.02
    assert 1.8 <= per_edge["work_slope"] <= 2.1
    assert 1.8 <= finite["work_slope"] <= 2.1
    for family in ("mlp", "diamonds"):
        assert 0.95 <= fit_of(quick, family, "sweep")["work_slope"] <= 1.05
        assert fit_of(quick, family, "per-edge chain rule")["work_slope"] > 1.5
    # Path enumeration on diamonds: the local slope keeps climbing (2ⁿ, no power law).
    paths = fit_of(quick, "diamonds", "path enumeration")
    assert paths["work_local_slope_last"] > 2 * paths["work_local_slope_first"]


def test_quick_run_counts_and_differences(quick):
    for row in quick.rows:
        if row.method == "sweep" and row.outputs == 1:  # the trajectory's: below
            assert row.products == row.work == row.edges
            assert row.visits == row.nodes
        if not row.ran:
            continue
        if row.method in ("per-edge chain rule", "path enumeration"):
            assert row.max_difference <= 1e-12
        if row.method == "finite differences":
            assert 0.0 < row.max_difference <= 1e-6
            assert row.products == 0 and row.visits == 2 * row.leaves
        if row.method == "per-edge chain rule" and row.family == "chain":
            t = int(row.size.removeprefix("T="))
            assert row.products == t * (t + 1) // 2 + 2 * t + 2
        assert row.seconds > 0.0 and row.repeats >= 1


def test_forward_mode_is_quadratic_with_many_inputs_and_linear_with_many_outputs(quick):
    assert 1.8 <= fit_of(quick, "chain", "forward mode")["work_slope"] <= 2.1
    assert 0.95 <= fit_of(quick, "trajectory", "forward mode")["work_slope"] <= 1.15
    assert 1.9 <= fit_of(quick, "trajectory", "sweep")["work_slope"] <= 2.05
    forward = [r for r in quick.rows if r.method == "forward mode" and r.ran]
    assert {r.family for r in forward} == {"chain", "mlp", "diamonds", "trajectory"}
    per_edge = {(r.family, r.size): r for r in quick.rows if r.method == "per-edge chain rule"}
    for row in forward:
        assert row.visits == row.leaves * row.nodes  # one pass per input over every node
        assert row.products <= row.leaves * row.edges  # O(n·E)
        assert row.max_difference <= 1e-12
        if row.outputs == 1:  # the per-edge chain rule's edges, from the other end
            assert row.products == per_edge[(row.family, row.size)].products
    for row in quick.rows:
        if row.family == "trajectory" and row.method == "sweep":
            m = int(row.size.removeprefix("m="))
            assert row.outputs == m and row.products == 5 * m * (m + 1) // 2
    notes = "\n".join(quick.notes)
    assert re.search(r"trajectory m=128: 3 inputs, 128 outputs: .*: forward mode wins", notes)
    assert re.search(r"chain T=\d+: \d+ inputs, 1 output: .*: the sweep wins", notes)
    # Passes over every node cost n·V visits, known beforehand: the budget counts them.
    skipped = [r for r in quick.rows if r.method == "forward mode" and not r.ran]
    assert skipped and all(r.leaves * r.nodes > quick.settings.work_budget for r in skipped)


def test_quick_run_skips_with_notes(quick):
    skipped = [r for r in quick.rows if not r.ran]
    assert skipped, "the quick budgets are meant to skip some sizes"
    for row in skipped:
        assert row.note.startswith("skipped:")
        assert row.seconds is None and row.work is None
    paths = [r for r in skipped if r.method == "path enumeration" and r.family == "diamonds"]
    assert paths and all("paths" in r.note for r in paths)
    assert any("not run at" in note for note in quick.notes)
    # Every size of every family has a row for every method, run or skipped.
    cells = {(r.family, r.size, r.method) for r in quick.rows}
    sizes = {(r.family, r.size) for r in quick.rows}
    assert len(cells) == len(quick.rows) == len(complexity.METHODS) * len(sizes)


def test_quick_run_files(quick):
    files = quick.files
    with files["csv"].open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == len(quick.rows)
    assert {"family", "size", "nodes", "edges", "method", "products", "visits", "seconds",
            "max_difference", "note"} <= set(records[0])
    document = json.loads(files["json"].read_text(encoding="utf-8"))
    assert len(document["rows"]) == len(quick.rows)
    assert document["fits"] == json.loads(json.dumps(quick.fits))
    assert document["settings"]["name"] == "quick"


def test_quick_run_plot_is_a_real_image(quick):
    from PIL import Image

    png = quick.files["png"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        width, height = image.size
        assert 900 <= width <= 3000 and 900 <= height <= 3000
        pixels = image.convert("RGB")
        colours = {colour for _, colour in pixels.getcolors(maxcolors=1 << 20)}
    # The methods' lines are drawn: matplotlib's tab:blue (sweep) and tab:red (per-edge).
    assert (31, 119, 180) in colours and (214, 39, 40) in colours
    assert len(colours) > 50


def test_table_names_methods_slopes_and_notes(quick):
    text = quick.table()
    for expected in ("chain", "per-edge work", "finite diff work", "forward work", "trajectory",
                     "Fitted log-log slopes", "products = E exactly", "Notes"):
        assert expected in text


def test_command_line_prints_the_table_and_the_files(quick, monkeypatch, tmp_path):
    calls = []

    def fake_run(**kwargs):
        calls.append(kwargs)
        return quick

    monkeypatch.setattr(complexity, "run_complexity", fake_run)
    output = io.StringIO()
    with redirect_stdout(output):
        status = main(["bench", "complexity", "--quick", "--quiet", "--out", str(tmp_path)])
    assert status == 0
    assert calls == [{"quick": True, "out_dir": tmp_path, "quiet": True}]
    assert "Fitted log-log slopes" in output.getvalue()
    assert f"png: {quick.files['png']}" in output.getvalue()


def test_bench_needs_a_benchmark_name():
    with pytest.raises(SystemExit), redirect_stdout(io.StringIO()):
        main(["bench"])


def test_demo_section_writes_the_table_and_prints_the_slopes(quick, monkeypatch, tmp_path):
    from engine.app import demonstration as demo

    monkeypatch.setattr(demo, "run_complexity", lambda **kwargs: quick)
    output, report = io.StringIO(), io.StringIO()
    with redirect_stdout(output):
        written = demo.complexity_section(tmp_path, report)
    text = output.getvalue()
    assert "Complexity" in text and "Fitted log-log slopes" not in text
    slopes = {(f["family"], f["method"]): f["work_slope"] for f in quick.fits}
    assert f"slope {slopes[('chain', 'sweep')]:.2f} for the sweep" in text
    assert "Fitted log-log slopes" in report.getvalue()  # the table went to the report
    assert quick.files["png"] in written
