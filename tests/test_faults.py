"""Faults, injected: threads, Ctrl-C in ``backward`` and ``fit``, a full disk and a kill
during ``save``, huge and malformed model files, a ``dot`` that hangs.

Each test makes the fault happen for real (a signal, a resource limit, a killed
process, a program that never answers) and checks that nothing was lost: the
state afterwards is the state before, or the whole result, never a mixture.
"""

from __future__ import annotations

import _thread
import json
import math
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import nn
from engine import Value, detect_anomaly, gc_paused, is_grad_enabled, no_grad
from engine.drawing import render
from engine.drawing import renderer as renderer_module
from engine.drawing.renderer import RenderTimeoutError
from engine.examples import lecture_neuron

ROOT = Path(__file__).resolve().parent.parent

# --- threads -----------------------------------------------------------------------------


def test_no_grad_in_one_thread_leaves_other_threads_recording():
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def first() -> None:
        with no_grad():
            a_inside.set()
            b_inside.wait(5)
        a_left.set()

    def second() -> None:
        a_inside.wait(5)
        with no_grad():
            b_inside.set()
            a_left.wait(5)  # A leaves its block while B is still inside its own
            seen["inside"] = is_grad_enabled()
        seen["after"] = is_grad_enabled()

    def bystander() -> None:
        a_inside.wait(5)
        x = Value(3.0)
        y = x * x  # built while both others are inside no_grad
        y.backward()
        seen["bystander"] = x.grad

    threads = [threading.Thread(target=f) for f in (first, second, bystander)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"inside": False, "after": True, "bystander": 6.0}
    assert is_grad_enabled()


def test_detect_anomaly_in_one_thread_does_not_raise_in_another():
    started, done = threading.Event(), threading.Event()
    result: dict[str, object] = {}

    def watcher() -> None:
        with detect_anomaly():
            started.set()
            done.wait(5)

    thread = threading.Thread(target=watcher)
    thread.start()
    started.wait(5)
    try:
        result["log0"] = Value(0.0).log().data  # -inf, allowed here
    finally:
        done.set()
        thread.join(5)
    assert result["log0"] == -math.inf
    with detect_anomaly(), pytest.raises(FloatingPointError):
        Value(0.0).log()


def test_overlapping_gc_pauses_in_two_threads_end_with_the_last():
    import gc

    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    states = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with gc_paused():
            second_in.set()
            first_out.wait(5)
            states.append(gc.isenabled())  # the first pause ended; this one has not
        states.append(gc.isenabled())

    threads = [threading.Thread(target=f) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert states == [False, True]


# --- Ctrl-C in backward ------------------------------------------------------------------


class InterruptingSlope(float):
    """A local derivative that raises KeyboardInterrupt when the sweep reaches it."""

    def __mul__(self, other: object) -> float:
        raise KeyboardInterrupt

    __rmul__ = __mul__


def test_an_interrupted_backward_leaves_every_leaf_as_it_was():
    leaves = [Value(0.1 * i) for i in range(200)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf * leaf
    # Half of the leaves' contributions arrive before the sweep reaches the trap.
    trap = Value(total.data, (total,), (InterruptingSlope(1.0),), "trap")
    root = trap * 2.0 + total * total
    for leaf in leaves:
        leaf.grad = 0.25
    with pytest.raises(KeyboardInterrupt):
        root.backward()
    assert [leaf.grad for leaf in leaves] == [0.25] * 200


def test_ctrl_c_during_a_large_backward_never_leaves_a_mixture():
    # 200,000 leaves; SIGINT arrives from another thread at some point of the sweep.
    leaves = [Value(1.0) for _ in range(200_000)]
    root = leaves[0]
    for leaf in leaves[1:]:
        root = root + leaf * 3.0
    for delay in (0.0, 0.02, 0.05, 0.1):
        for leaf in leaves:
            leaf.grad = 1.0
        timer = threading.Timer(delay, _thread.interrupt_main)
        try:
            timer.start()
            root.backward()
            timer.join()
            time.sleep(0.3)  # a late interrupt lands here, after the sweep
        except KeyboardInterrupt:
            timer.join()
        grads = {leaf.grad for leaf in leaves[1:]}
        assert grads in ({1.0}, {4.0}), grads  # before, or the whole sweep added once


def test_the_sweep_adds_its_total_once_to_each_leaf():
    # y = a + a + … + a (5 terms of 0.1·a): each sweep's total is 5 × 0.1 = 0.5 (rounded once).
    a = Value(2.0)
    y = a * 0.1
    for _ in range(4):
        y = y + a * 0.1
    a.grad = 1e-17
    y.backward()
    once = 0.1 + 0.1 + 0.1 + 0.1 + 0.1
    assert a.grad == 1e-17 + once


# --- Ctrl-C in fit -----------------------------------------------------------------------


def test_ctrl_c_during_fit_stops_after_a_whole_step_and_keeps_the_history():
    data = nn.moons(60, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    calls = {"n": 0}

    def loss(output, target):
        calls["n"] += 1
        if calls["n"] == 35:  # in the middle of step 4 (batches of 10)
            os.kill(os.getpid(), signal.SIGINT)
        return nn.hinge(output, target)

    history = nn.fit(model, data, loss=loss, epochs=5, batch_size=10, quiet=True)
    assert history.interrupted and "Ctrl-C" in (history.stop_reason or "")
    assert history.steps == 4 == len(history.step_loss)
    assert all(math.isfinite(p.data) for p in model.parameters())
    again = nn.fit(model, data, epochs=1, batch_size=10, quiet=True)  # still usable
    assert again.steps == 6 and not again.interrupted
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_diverging_fit_stops_before_the_bad_step_and_names_it():
    data = nn.moons(40, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    with pytest.warns(RuntimeWarning, match=r"the loss is (inf|nan) at step \d+"):
        history = nn.fit(model, data, loss="squared", epochs=5, batch_size=10, quiet=True,
                         optimizer=nn.SGD(model.parameters(), lr=1e6))
    assert history.stop_reason and not history.interrupted
    assert all(math.isfinite(p.data) for p in model.parameters())
    with pytest.raises(nn.TrainingDiverged) as error:
        nn.fit(nn.MLP(2, [8, 1], seed=0), data, epochs=5, batch_size=10, quiet=True,
               optimizer=None, on_divergence="raise", loss=lambda o, y: o * math.inf)
    assert error.value.history.steps == 0


# --- save and load -----------------------------------------------------------------------

SAVE_SCRIPT = """
import os, resource, signal, sys, time
sys.path.insert(0, {root!r})
import nn
model = nn.MLP(2, [64, 64, 1], seed=1)
mode = sys.argv[1]
if mode == "full-disk":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
    try:
        model.save(sys.argv[2])
    except OSError as error:
        print("OSError", error.errno)
        sys.exit(0)
    sys.exit("the save did not fail")
if mode == "kill":
    real_fsync = os.fsync
    def slow_fsync(fd):
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = slow_fsync
    model.save(sys.argv[2])
"""


def _save_in_a_subprocess(tmp_path: Path, mode: str, target: Path) -> subprocess.Popen:
    script = tmp_path / "save.py"
    script.write_text(SAVE_SCRIPT.format(root=str(ROOT)))
    return subprocess.Popen([sys.executable, str(script), mode, str(target)],
                            stdout=subprocess.PIPE, text=True)


def test_a_full_disk_during_save_keeps_the_old_model(tmp_path):
    target = tmp_path / "model.json"
    good = nn.MLP(2, [3, 1], seed=0)
    good.save(target)
    before = target.read_bytes()
    process = _save_in_a_subprocess(tmp_path, "full-disk", target)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and out.startswith("OSError")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "save.py"]


def test_a_kill_during_save_keeps_the_old_model(tmp_path):
    target = tmp_path / "model.json"
    nn.MLP(2, [3, 1], seed=0).save(target)
    before = target.read_bytes()
    process = _save_in_a_subprocess(tmp_path, "kill", target)
    assert process.stdout.readline().strip() == "writing"
    process.kill()
    process.wait(10)
    assert target.read_bytes() == before
    fresh = nn.MLP(2, [3, 1], seed=5)
    fresh.load(target)  # still a whole model file


def test_a_nan_parameter_is_refused_by_save_with_its_name(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].weights[0].data = math.nan
    with pytest.raises(ValueError, match=r"L1\.N2\.w1 is nan"):
        model.save(tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


def _unchanged_after(model: nn.MLP, path: Path, match: str, **options: object) -> None:
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=match):
        model.load(path, **options)
    assert [p.data for p in model.parameters()] == before


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(2**30)  # 1 GiB, sparse: refused by its size alone
    _unchanged_after(nn.MLP(2, [3, 1], seed=0), huge, "has 1073741824 bytes, more than max_bytes")


@pytest.mark.parametrize(("content", "match"), [
    ("[" * 100_000 + "]" * 100_000, "nests its lists too deeply|not a JSON file"),
    ('{"format": "sweepgrad.nn.state/1", "state": {"L1.weight": [[1' + "0" * 400
     + ', 0], [0, 0], [0, 0]], "L1.bias": [0, 0, 0], "L2.weight": [[0, 0, 0]], "L2.bias": [0]}}',
     "L1.weight\\[0\\]\\[0\\]: 1000.* is too large for a float"),
    ('{"format": "sweepgrad.nn.state/1", "state": {"L1.weight": NaN}}', "NaN"),
    ("\xff\xfe garbage", "not a JSON file"),
    ('{"format": "something else"}', "not a sweepgrad model file"),
])
def test_a_malformed_file_is_a_value_error_and_the_model_is_unchanged(tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_bytes(content.encode("latin-1") if content.startswith("\xff") else content.encode())
    _unchanged_after(nn.MLP(2, [3, 1], seed=0), path, match)


def test_a_model_with_every_parameter_set_round_trips(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    for i, p in enumerate(model.parameters()):
        p.data = (-1) ** i * 10.0 ** (i - 8)
    path = model.save(tmp_path / "model.json")
    other = nn.MLP(2, [3, 1], seed=9)
    other.load(path)
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    assert json.loads(path.read_text())["format"] == "sweepgrad.nn.state/1"


# --- a dot that hangs ----------------------------------------------------------------------


def test_a_hanging_dot_is_stopped_by_the_timeout(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(120)\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(renderer_module, "_scripts_directories", lambda: [])
    o = lecture_neuron()["o"]
    started = time.perf_counter()
    with pytest.raises(RenderTimeoutError, match="collapse="):
        render(o, tmp_path / "neuron.svg", timeout=1.0)
    assert time.perf_counter() - started < 20
    assert not (tmp_path / "neuron.svg").exists()
    # Inline display in Jupyter says so in text, instead of hanging or raising.
    from engine.drawing import draw

    drawing = draw(o)
    drawing.display_timeout = 1.0
    bundle = drawing._repr_mimebundle_()
    assert "did not finish" in bundle["text/plain"]


def test_inline_display_works_with_graphviz_pure_only(tmp_path, monkeypatch):
    candidates = [Path(d) / "graphviz-pure" for d in renderer_module._scripts_directories()]
    found = next((c for c in candidates if c.exists()), None)
    if found is None:
        pytest.skip("graphviz-pure is not installed")
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))  # no dot anywhere
    monkeypatch.setattr(renderer_module, "_scripts_directories", lambda: [str(found.parent)])
    from engine.drawing import draw

    bundle = draw(lecture_neuron()["o"])._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
