"""sweepgrad as a package like any other.

One version (``engine/_version.py``) read by the metadata, ``engine``, ``nn``
and ``sweepgrad --version``; complete metadata and a LICENSE; one address for
the project, which every link to it uses. Then, slow: the wheel is built as
``make dist`` builds it, holds no reference solution, and is installed into a
fresh virtual environment outside the repository by the set-up cell of a
notebook, run in a kernel of that environment, which lacks sweepgrad but can
find the wheel (``PIP_FIND_LINKS``, no index); there it imports, sweeps,
draws, checks a released exercise, and the set-up cell then does nothing.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import engine
import nn
from engine.app.notebook_setup import OWNER_AND_NAME, REPOSITORY

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
# github.com/OWNER/NAME, and the same repository as Colab and Binder name it.
ADDRESS = re.compile(r"(?:github\.com|colab\.research\.google\.com/github|mybinder\.org/v2/gh)"
                     r"/([\w.-]+/[\w.-]*[\w-])")


def test_one_version_everywhere():
    version = engine.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert nn.__version__ == version == importlib.metadata.version("sweepgrad")
    assert '\ndynamic = ["version"]\n' in PYPROJECT
    assert '\nversion = { attr = "engine._version.__version__" }\n' in PYPROJECT
    shown = subprocess.run([str(Path(sys.executable).with_name("sweepgrad")), "--version"],
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout == f"sweepgrad {version}\n"


def test_the_metadata_says_what_pip_show_and_an_index_show():
    metadata = importlib.metadata.metadata("sweepgrad")
    assert "backpropagation" in metadata["Summary"]
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author"] == "sweepgrad contributors"
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Intended Audience :: Education" in classifiers
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    assert urls["Source"] == REPOSITORY and urls["Homepage"] == REPOSITORY
    assert set(metadata.get_all("Provides-Extra")) >= {"plot", "notebooks", "teacher", "test",
                                                        "torch"}
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_every_link_to_the_project_names_one_address():
    assert f'\nSource = "{REPOSITORY}"\n' in PYPROJECT
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
             *(ROOT / "notebooks").glob("*.ipynb"), ROOT / "notebooks" / "exercises" / "README.md"]
    found = {path.relative_to(ROOT).as_posix(): set(ADDRESS.findall(path.read_text("utf-8")))
             for path in files}
    assert found["README.md"] == {OWNER_AND_NAME}
    notebooks = {name: names for name, names in found.items() if name.endswith(".ipynb")}
    assert all(names == {OWNER_AND_NAME} for names in notebooks.values()), notebooks
    # Pages may name other projects' repositories (micrograd's, say) and a course's own
    # fork as a placeholder (ORG/sweepgrad); ours only this way.
    strays = {name: [a for a in names if "sweepgrad" in a and a != OWNER_AND_NAME
                     and not a.startswith("ORG/")] for name, names in found.items()}
    assert not any(strays.values()), strays


def test_binder_installs_sweepgrad_and_graphviz():
    binder = ROOT / ".binder"
    assert (binder / "apt.txt").read_text(encoding="utf-8").split() == ["graphviz"]
    assert ".[notebooks]" in (binder / "requirements.txt").read_text(encoding="utf-8").split()


# --- the wheel, outside the repository ------------------------------------------------


def run(*command: str | Path, **options) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                            timeout=900, **options)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built by ``build`` as ``make dist`` builds it, but with this environment's
    setuptools (``make dist`` fetches its own, which needs an index)."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    (built,) = dist.glob("sweepgrad-*.whl")
    return built


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    """A fresh virtual environment outside the repository without sweepgrad.

    So that no index is needed, it borrows this environment's installed packages (a
    kernel, numpy, matplotlib, ...) but not sweepgrad: a folder of links to each of them,
    sweepgrad's own files left out, comes after its own site-packages on ``sys.path``
    (named in a ``.pth`` file). What pip installs goes into its own.
    """
    home = tmp_path_factory.mktemp("student")
    assert ROOT not in home.parents
    run(sys.executable, "-m", "venv", home / "venv")
    python = home / "venv" / "bin" / "python"
    own = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
              ).stdout.strip()
    borrowed = home / "borrowed"
    borrowed.mkdir()
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in Path(folder).iterdir():
            if "sweepgrad" not in entry.name and entry.suffix != ".pth":
                (borrowed / entry.name).symlink_to(entry)
    (Path(own) / "borrowed.pth").write_text(f"{borrowed}\n", encoding="utf-8")
    missing = subprocess.run([python, "-c", "import ipykernel, numpy, matplotlib; import engine"],
                             capture_output=True, text=True, cwd=home)
    assert "No module named 'engine'" in missing.stderr
    return home


@pytest.mark.slow
def test_the_wheel_holds_the_packages_their_files_and_the_license(wheel: Path):
    """(That it holds no solution is tests/exercises/test_key_not_installed.py's.)"""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(f"sweepgrad-{engine.__version__}.dist-info/METADATA")
    assert f"sweepgrad-{engine.__version__}.dist-info/licenses/LICENSE" in names
    assert {"engine/drawing/player.js", "engine/drawing/player.css", "engine/py.typed",
            "nn/py.typed", "engine/app/notebook_setup.py"} <= set(names)
    assert not [name for name in names if name.startswith(("tests/", "notebooks/", "docs/"))]
    assert b"\n# sweepgrad\n" in metadata  # the README is the long description


@pytest.mark.slow
def test_a_notebook_installs_the_wheel_into_a_bare_kernel_and_runs(wheel: Path, bare: Path,
                                                                   monkeypatch, release: Path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    python = bare / "venv" / "bin" / "python"
    kernels = bare / "jupyter" / "kernels" / "bare"
    kernels.mkdir(parents=True)
    # The kernel's pip may look in the wheel's folder only: no index, no other wheels.
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "bare", "language": "python",
        "env": {"PIP_FIND_LINKS": str(wheel.parent), "PIP_NO_INDEX": "1",
                "PIP_CONFIG_FILE": os.devnull, "SWEEPGRAD_PROGRESS": "0"},
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(bare / "jupyter"))

    def execute() -> nbformat.NotebookNode:
        notebook = nbformat.read(ROOT / "notebooks" / "01_values_and_local_derivatives.ipynb",
                                 as_version=4)
        nbclient.NotebookClient(notebook, kernel_name="bare", timeout=600,
                                resources={"metadata": {"path": str(bare)}}).execute()
        return notebook

    first = execute()  # every cell runs: the first one installed sweepgrad
    assert not [o for c in first.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error"]
    where = run(python, "-c", "import engine, nn; print(engine.__file__, engine.__version__)",
                cwd=bare).stdout.split()
    assert where[0].startswith(str(bare / "venv")) and where[1] == engine.__version__
    again = execute()  # now it is there: the set-up cell does nothing
    assert again.cells[0].outputs == []

    # A smoke test of the installed package, outside the repository.
    smoke = run(python, "-c", (
        "from engine import Value, draw\n"
        "x, w = Value(2.0, label='x'), Value(-3.0, label='w')\n"
        "y = (x * w).tanh(); y.backward()\n"
        "print(repr(x.grad), 'digraph' in draw(y).source)"), cwd=bare)
    gradient, drawn = smoke.stdout.split()
    assert float(gradient) == pytest.approx(-3 * (1 - math.tanh(-6) ** 2)) and drawn == "True"
    sweepgrad = bare / "venv" / "bin" / "sweepgrad"
    assert run(sweepgrad, "--version", cwd=bare).stdout == f"sweepgrad {engine.__version__}\n"
    passed = run(sweepgrad, "check", "2.2", cwd=release / "key" / "modules")
    assert "Exercise 2.2 the backward sweep (graph.py): all 5 checks passed" in passed.stdout
    starter = subprocess.run([sweepgrad, "check", "2.2"], cwd=release / "starter" / "modules",
                             capture_output=True, text=True, timeout=300)
    assert starter.returncode == 1 and "not implemented yet" in starter.stdout
