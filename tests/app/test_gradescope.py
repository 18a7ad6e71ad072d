"""``sweepgrad exercises gradescope``: the autograder bundle, run as Gradescope runs it.

Each submission is graded by the bundle's own ``run_autograder`` under a
fake ``/autograder`` root (a temporary folder, by SWEEPGRAD_AUTOGRADER_ROOT),
and its ``results.json`` is checked against the fields Gradescope documents
for the autograder's output.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.app.classroom import select


def sweepgrad(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("sweepgrad")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=timeout)

# --- Gradescope's documented results.json, as a schema of our own -----------------------

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP = {"score": (int, float), "execution_time": (int, float), "output": str,
       "output_format": str, "test_output_format": str, "test_name_format": str,
       "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list,
       "leaderboard": list}
TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
        "name_format": str, "number": str, "output": str, "output_format": str,
        "tags": list, "visibility": str, "extra_data": dict}


def problems(results: object) -> list[str]:
    """What in ``results`` breaks Gradescope's documented format (empty when nothing)."""
    if not isinstance(results, dict):
        return ["results.json is not an object"]
    found = []

    def fields(where: str, data: dict, allowed: dict) -> None:
        for key, value in data.items():
            kind = allowed.get(key)
            if kind is None:
                found.append(f"{where}: unknown field {key!r}")
            elif isinstance(value, bool) or not isinstance(value, kind):
                found.append(f"{where}: {key} is {type(value).__name__}")
        for key in ("visibility", "stdout_visibility"):
            if key in data and data[key] not in VISIBILITY:
                found.append(f"{where}: {key} {data[key]!r}")
        for key in ("output_format", "test_output_format", "test_name_format", "name_format"):
            if key in data and data[key] not in FORMATS:
                found.append(f"{where}: {key} {data[key]!r}")

    fields("top level", results, TOP)
    tests = results.get("tests", [])
    if "score" not in results and (not tests or any("score" not in t for t in tests)):
        found.append("no score: at the top level or on every test")
    for index, test in enumerate(tests if isinstance(tests, list) else []):
        if not isinstance(test, dict):
            found.append(f"test {index} is not an object")
            continue
        fields(f"test {index}", test, TEST)
        if test.get("status") not in (None, "passed", "failed"):
            found.append(f"test {index}: status {test['status']!r}")
        if "max_score" in test and not 0 <= test.get("score", 0) <= test["max_score"]:
            found.append(f"test {index}: score outside 0..max_score")
    return found


def test_the_schema_check_finds_what_breaks_the_format():
    assert problems({"score": 1.0, "tests": []}) == []
    assert problems({"tests": [{"name": "a"}]}) == ["no score: at the top level or on every test"]
    assert problems({"score": True}) == ["top level: score is bool"]
    assert problems({"score": 0, "visibility": "students"}) == ["top level: visibility 'students'"]
    assert problems({"score": 0, "tests": [{"score": 3, "max_score": 2, "status": "ok",
                                            "grade": 1}]}) == [
        "test 0: unknown field 'grade'", "test 0: status 'ok'",
        "test 0: score outside 0..max_score"]


# --- the bundle ----------------------------------------------------------------------------

GRAPH = select("graph")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The graph chapter's autograder, built with a wheel of this checkout."""
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    result = sweepgrad("exercises", "gradescope", str(out), "--exercises", "graph", timeout=600)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def wheel(bundle: Path, tmp_path_factory) -> Path:
    """The wheel inside the bundle."""
    folder = tmp_path_factory.mktemp("wheel")
    with zipfile.ZipFile(bundle) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".whl"))
        archive.extract(name, folder)
    return folder / name


def test_the_zip_holds_setup_run_autograder_and_a_wheel_at_its_root(bundle: Path):
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        wheel = next(n for n in names if n.endswith(".whl"))
        with zipfile.ZipFile(archive.open(wheel)) as inner:
            packaged = inner.namelist()
    assert names[:2] == ["setup.sh", "run_autograder"] and len(names) == 3
    assert wheel.startswith("sweepgrad-") and "/" not in wheel
    assert all(modes[n] & stat.S_IXUSR for n in ("setup.sh", "run_autograder"))
    assert "engine/app/classroom/grading.py" in packaged
    assert "apt-get install -y python3 python3-pip python3-venv bubblewrap" in setup
    assert f'pip install "$here"/{wheel}' in setup
    for script in ("setup.sh", "run_autograder"):
        with zipfile.ZipFile(bundle) as archive:
            text = archive.read(script).decode()
        checked = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
        assert checked.returncode == 0, f"{script}: {checked.stderr}"


def run_autograder(bundle: Path, root: Path, files: dict[str, str] | None,
                   path_first: Path | None = None) -> dict:
    """Lay out a fake /autograder for one submission (None: none came), run the bundle
    (with ``path_first`` first on PATH), read results.json."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "run_autograder", 0o755)
    if files is not None:
        (root / "submission").mkdir()
    for name, text in (files or {}).items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8")
    scripts = [str(p) for p in (path_first, Path(sys.executable).parent) if p]
    env = {**os.environ, "SWEEPGRAD_AUTOGRADER_ROOT": str(root),
           "PATH": os.pathsep.join([*scripts, os.environ.get("PATH", "")])}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert problems(results) == []
    return results


@pytest.fixture(scope="module")
def key_graph(release: Path) -> str:
    return (release / "key" / "modules" / "graph.py").read_text(encoding="utf-8")


def test_a_right_submission_gets_every_point(bundle: Path, key_graph: str, tmp_path: Path):
    results = run_autograder(bundle, tmp_path, {"graph.py": key_graph})
    assert results["score"] == sum(e.points for e in GRAPH) > 0
    assert [(t["number"], t["score"], t["max_score"], t["status"]) for t in results["tests"]] == [
        (e.number, e.points, e.points, "passed") for e in GRAPH]
    assert "all 5 checks passed" in results["tests"][1]["output"]
    assert isinstance(results["execution_time"], int)


def test_a_wrong_submission_is_told_the_mistake(bundle: Path, key_graph: str, tmp_path: Path):
    wrong = key_graph.replace("parent.grad += local_grad", "parent.grad = local_grad")
    assert wrong != key_graph
    results = run_autograder(bundle, tmp_path, {"graph.py": wrong})
    first, second = results["tests"]
    assert first["status"] == "passed" and first["score"] == first["max_score"]
    assert second["status"] == "failed" and second["score"] < second["max_score"]
    assert "Looks like:" in second["output"] and "Hint:" in second["output"]
    assert results["score"] == first["score"] + second["score"]


def test_a_broken_submission_scores_zero_with_the_reason(bundle: Path, tmp_path: Path):
    results = run_autograder(bundle, tmp_path, {"graph.py": "def backward(root:\n"})
    assert results["score"] == 0
    assert [t["status"] for t in results["tests"]] == ["failed", "failed"]
    assert all("syntax error in graph.py line 1" in t["output"] for t in results["tests"])


def test_an_empty_submission_is_told_what_is_missing(bundle: Path, tmp_path: Path):
    results = run_autograder(bundle, tmp_path, {"notes.txt": "nothing here"})
    assert results["score"] == 0 and len(results["tests"]) == len(GRAPH)
    assert all("missing: no graph.py or graph.ipynb" in t["output"] for t in results["tests"])


def test_a_repository_is_graded_in_the_folder_the_bundle_names(
        release: Path, wheel: Path, key_graph: str, tmp_path: Path):
    out = tmp_path / "modules.zip"
    made = sweepgrad("exercises", "gradescope", str(out), "--exercises", "graph",
                     "--folder", "modules", "--wheel", str(wheel))
    assert made.returncode == 0, made.stderr
    starter = (release / "starter" / "notebooks" / "graph.ipynb").read_text(encoding="utf-8")
    results = run_autograder(out, tmp_path / "root", {
        "modules/graph.py": key_graph, "notebooks/graph.ipynb": starter,
        "graph.py": "raise SystemExit('the top of the repository is not graded')\n"})
    assert results["score"] == sum(e.points for e in GRAPH)


def test_when_grading_fails_results_json_still_says_so(bundle: Path, tmp_path: Path):
    # A grader that cannot run here, as sweepgrad grade fails without a sandbox.
    fake = tmp_path / "bin" / "sweepgrad"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'sweepgrad grade: bubblewrap cannot create a sandbox "
                    "here' >&2\nexit 2\n")
    fake.chmod(0o755)
    results = run_autograder(bundle, tmp_path / "root", {"graph.py": ""}, fake.parent)
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade this submission" in results["output"]


def test_a_submission_that_is_not_there_is_graded_missing(bundle: Path, tmp_path: Path):
    results = run_autograder(bundle, tmp_path, None)
    assert results["score"] == 0 and len(results["tests"]) == len(GRAPH)
    assert all(t["status"] == "failed" for t in results["tests"])


def test_a_bundle_without_the_sandbox_grades_and_says_so(
        wheel: Path, key_graph: str, tmp_path: Path):
    out = tmp_path / "unconfined.zip"
    made = sweepgrad("exercises", "gradescope", str(out), "--exercises", "2.1",
                     "--no-sandbox", "--wheel", str(wheel))
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(out) as archive:
        assert "--quiet --no-sandbox" in archive.read("run_autograder").decode()
    results = run_autograder(out, tmp_path / "root", {"graph.py": key_graph})
    assert [(t["number"], t["status"]) for t in results["tests"]] == [("2.1", "passed")]


FORGER = '''
import json, os
root = os.environ.get("SWEEPGRAD_AUTOGRADER_ROOT", "/autograder")
forged = {"score": 1000, "tests": [{"name": "forged", "score": 1000, "max_score": 1}]}
os.makedirs(os.path.join(root, "results"), exist_ok=True)
with open(os.path.join(root, "results", "results.json"), "w") as out:
    json.dump(forged, out)
'''


def test_a_submission_that_writes_results_json_gets_only_its_grade(
        bundle: Path, release: Path, tmp_path: Path):
    starter = (release / "starter" / "modules" / "graph.py").read_text(encoding="utf-8")
    results = run_autograder(bundle, tmp_path, {"graph.py": starter + FORGER})
    assert results["score"] == 0
    assert [t["number"] for t in results["tests"]] == [e.number for e in GRAPH]
    assert "forged" not in json.dumps(results)


def test_gradescope_results_are_for_one_submission(release: Path, tmp_path: Path):
    for name in ("ada", "bo"):
        shutil.copytree(release / "key" / "modules", tmp_path / "class" / name)
    result = sweepgrad("grade", str(tmp_path / "class"), "--exercises", "2.1",
                       "--gradescope", str(tmp_path / "results.json"))
    assert result.returncode == 2
    assert "holds 2 submissions; Gradescope's results are for one" in result.stderr
    assert not (tmp_path / "results.json").exists()


def test_bad_bundle_input_is_one_line(tmp_path: Path):
    for args, message in ((["--exercises", "99.9"], "no exercise '99.9'"),
                          (["--wheel", str(tmp_path / "x.whl")], "not a sweepgrad wheel"),
                          (["--wheel", str(tmp_path / "x.whl"), "--exercises", "graph,99"],
                           "no exercise '99'")):
        result = sweepgrad("exercises", "gradescope", str(tmp_path / "a.zip"), *args)
        assert result.returncode == 2 and message in result.stderr
        assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "a.zip").exists()


LINGERER = '''
import json, os, time
root = os.environ.get("SWEEPGRAD_AUTOGRADER_ROOT", "/autograder")
if os.fork() == 0:  # a grandchild in a session of its own outlives the worker
    os.setsid()
    if os.fork() == 0:
        end = time.monotonic() + 4
        while time.monotonic() < end:
            time.sleep(0.05)
            try:
                with open(os.path.join(root, "results", "results.json"), "w") as out:
                    json.dump({"score": 1000, "tests": []}, out)
            except OSError:
                pass
    os._exit(0)
'''


def test_a_process_left_behind_cannot_rewrite_results_json(
        bundle: Path, release: Path, tmp_path: Path):
    import time

    starter = (release / "starter" / "modules" / "graph.py").read_text(encoding="utf-8")
    run_autograder(bundle, tmp_path, {"graph.py": starter + LINGERER})
    time.sleep(5)
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and len(results["tests"]) == len(GRAPH)


def test_an_installed_sweepgrad_is_packed_again_as_its_wheel(wheel: Path, tmp_path: Path):
    """A teacher who installed sweepgrad from a wheel gets that wheel back in the bundle."""
    import importlib.metadata

    from engine.app.classroom.gradescope import wheel_from_installed

    built = wheel
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
           "--disable-pip-version-check"]
    done = subprocess.run([*pip, "--target", str(site), str(built)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (dist,) = importlib.metadata.distributions(path=[str(site)])
    packed = wheel_from_installed(tmp_path, dist)
    assert packed.name == built.name
    with zipfile.ZipFile(built) as original, zipfile.ZipFile(packed) as again:
        assert sorted(again.namelist()) == sorted(original.namelist())
        for member in original.namelist():
            if not member.endswith("RECORD"):
                assert again.read(member) == original.read(member), member
    done = subprocess.run([*pip, "--target", str(tmp_path / "again"), str(packed)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again" / "engine" / "app" / "classroom" / "grading.py").is_file()
