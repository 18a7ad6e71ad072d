"""``sweepgrad exercises release DIR --github-classroom``: GitHub Classroom's workflow.

The workflow is read back as YAML and checked against the structure GitHub
Classroom's autograding documents (the workflow and job names the reporter
needs, one command-grader step per exercise with its points, a reporter
fed by every step); then every test's command is run in a release, as the
runner would: it must pass on the reference solutions and fail on the
starters.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.app.classroom import select

yaml = pytest.importorskip("yaml")

GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
GRADER_INPUTS = {"test-name", "setup-command", "command", "timeout", "max-score"}


def sweepgrad(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("sweepgrad")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    """``key/`` and ``starter/``, each released with the workflow, as a teacher types it."""
    root = tmp_path_factory.mktemp("classroom")
    for kind, extra in (("key", ["--solutions"]), ("starter", [])):
        result = sweepgrad("exercises", "release", str(root / kind), "--github-classroom",
                           *extra)
        assert result.returncode == 0, result.stderr
        assert ".github/workflows/classroom.yml" in result.stdout
    return root


@pytest.fixture(scope="module")
def workflow(releases: Path) -> dict:
    text = (releases / "starter" / ".github" / "workflows" / "classroom.yml").read_text()
    assert text == (releases / "key" / ".github" / "workflows" / "classroom.yml").read_text()
    return yaml.safe_load(text)


def graders(workflow: dict) -> list[dict]:
    return [s for s in workflow["jobs"]["run-autograding-tests"]["steps"]
            if s.get("uses") == GRADER]


def test_the_workflow_has_the_names_the_reporter_needs(workflow: dict):
    assert workflow["name"] == "Autograding Tests"
    assert list(workflow["jobs"]) == ["run-autograding-tests"]
    assert "push" in workflow["on"]
    job = workflow["jobs"]["run-autograding-tests"]
    assert job["runs-on"] == "ubuntu-latest"
    assert job["steps"][0]["uses"].startswith("actions/checkout@")
    install = next(s for s in job["steps"] if s.get("name") == "Install sweepgrad")
    assert install["run"].startswith("python -m pip install sweepgrad")
    assert job["steps"].index(install) < job["steps"].index(graders(workflow)[0])


def test_one_test_per_exercise_with_its_points(workflow: dict):
    steps = graders(workflow)
    assert len(steps) == len(select("all")) >= 17
    assert [s["with"]["command"] for s in steps] == [
        f"sweepgrad check {e.number} modules" for e in select("all")]
    assert [s["with"]["max-score"] for s in steps] == [e.points for e in select("all")]
    for step in steps:
        assert set(step["with"]) <= GRADER_INPUTS
        assert {"test-name", "command"} <= set(step["with"])
        assert step["name"] == step["with"]["test-name"]
        assert 0 < step["with"]["timeout"] <= 360  # minutes, at most 6 hours
    assert len({s["id"] for s in steps}) == len(steps)


def test_the_reporter_reads_every_test(workflow: dict):
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    ids = [s["id"] for s in graders(workflow)]
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}"
                               for i in ids}


def run_command(command: str, folder: Path) -> subprocess.CompletedProcess:
    words = shlex.split(command)
    assert words[:2] == ["sweepgrad", "check"]
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")])}
    return subprocess.run(words, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_every_command_passes_on_the_key_and_fails_on_a_starter(workflow: dict,
                                                                  releases: Path):
    commands = [step["with"]["command"] for step in graders(workflow)]
    assert len(commands) == len(select("all")) >= 17
    runs = [(command, kind) for command in commands for kind in ("key", "starter")]
    # Each run is a process of its own: use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done = list(pool.map(lambda run: run_command(run[0], releases / run[1]), runs))
    for (command, kind), result in zip(runs, done):
        if kind == "key":
            assert result.returncode == 0, f"{command} on the key: {result.stdout}"
        else:
            assert result.returncode == 1, f"{command} on a starter: {result.stderr}"
            assert "not implemented yet" in result.stdout


def test_notebooks_and_the_install_requirement_can_be_chosen(tmp_path: Path):
    result = sweepgrad("exercises", "release", str(tmp_path / "r"), "--github-classroom",
                       "notebooks", "--install", "git+https://example.org/sweepgrad@v1")
    assert result.returncode == 0, result.stderr
    workflow = yaml.safe_load((tmp_path / "r" / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    assert {s["with"]["command"].split()[-1] for s in graders(workflow)} == {"notebooks"}
    assert "`sweepgrad check` on each exercise\nof `notebooks/`" in (
        tmp_path / "r" / "README.md").read_text()
    assert any(s.get("run") == "python -m pip install git+https://example.org/sweepgrad@v1"
               for s in steps)


def test_install_without_the_workflow_is_refused_in_one_line(tmp_path: Path):
    result = sweepgrad("exercises", "release", str(tmp_path / "r"), "--install", "x")
    assert result.returncode == 2 and "give --github-classroom too" in result.stderr
    assert not (tmp_path / "r").exists()
