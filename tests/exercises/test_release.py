"""The student release generated from the source notebooks, and ``check`` in a notebook."""

from __future__ import annotations

import ast
import re
from html import escape
from pathlib import Path

import pytest

from engine import topological_order as engine_topological_order
from engine.app.classroom import EXERCISES, assert_passes, check, run_checks, select
from engine.app.classroom.notebook import Report
from engine.app.classroom.release import read_notebook, release, source_notebooks

nbformat = pytest.importorskip("nbformat")


def test_one_source_notebook_per_chapter_holds_every_exercise():
    chapters = {e.chapter for e in EXERCISES.values()}
    assert {p.stem for p in source_notebooks()} == chapters
    for path in source_notebooks():
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        solutions = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
        graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
        numbers = [c.metadata["sweepgrad"]["exercise"] for c in solutions]
        assert numbers == [e.number for e in select(path.stem)]
        for cell in solutions:
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        for cell, number in zip(graded, numbers, strict=True):
            # the weights table is the one in the registry; nbgrader reads the same points
            assert cell.metadata["nbgrader"]["points"] == EXERCISES[number].points
            # The check itself scores it under nbgrader: no hidden test to restore (and warn
            # about) when nbgrader gets the cell back.
            assert cell.source == f'from engine.app.classroom import check\ncheck("{number}")'
            assert cell.metadata["nbgrader"]["locked"]
        assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_the_release_has_stubs_and_no_solutions_or_hidden_tests(release: Path):
    for path in (release / "starter" / "notebooks").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        assert "not implemented yet" in text
    for path in (release / "starter" / "modules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree).count("sweepgrad check") == 1
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert functions
        for function in functions:
            assert re.match(r"Exercise \d+\.\d+: ", ast.get_docstring(function))
            assert isinstance(function.body[-1], ast.Raise)


def test_the_key_keeps_the_solutions_without_markers(release: Path):
    for path in (release / "key" / "modules").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "### " not in text and "NotImplementedError" not in text
        compile(text, str(path), "exec")


def test_releasing_is_deterministic_and_never_overwrites(tmp_path: Path, release: Path):
    release_again = tmp_path / "again"
    from engine.app.classroom.release import release as write

    write(release_again)
    for path in (release / "starter").rglob("*.*"):
        assert path.read_bytes() == (release_again / path.relative_to(release / "starter")
                                     ).read_bytes()
    with pytest.raises(ValueError, match="--force"):
        write(release_again)
    assert write(release_again, force=True)


def test_a_broken_source_is_a_clear_error(tmp_path: Path):
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.ipynb: not a readable notebook"):
        read_notebook(tmp_path / "bad.ipynb")
    with pytest.raises(ValueError, match="no source notebooks"):
        release(tmp_path / "out", source=tmp_path / "empty")


def test_check_in_a_notebook_takes_the_functions_from_its_namespace(capsys):
    namespace: dict = {"check": check}
    exec("def add(a, b):\n    return a + b, (1.0, 1.0)\n"
         "def mul(a, b):\n    return a * b, (a, b)\n"
         "def div(a, b):\n    return a / b, (1 / b, -a / b / b)\n"
         "def power(a, n):\n    return a ** n, (n * a ** (n - 1),)\n"
         "check('1.1')\n", namespace)
    out = capsys.readouterr().out
    assert out.startswith("Exercise 1.1 binary operations: ")
    assert "Looks like: the local derivatives of the two operands are swapped" in out
    with pytest.raises(AssertionError, match="swapped"):
        exec("from engine.app.classroom import assert_passes\nassert_passes('1.1')", namespace)


def test_under_nbgrader_check_returns_the_graders_points(capsys, monkeypatch):
    def backward(root):
        root.backward()

    assert check("2.2", backward) is None  # in a student's notebook: the report alone
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check("2.2", backward) == 0.0  # the engine's own sweep earns nothing
    assert "calling the engine's own implementation" in capsys.readouterr().out
    from engine.app.classroom.release import SOURCE, read_notebook, release_notebook

    key = release_notebook(read_notebook(SOURCE / "graph.ipynb"), solutions=True)
    namespace: dict = {}
    for cell in key["cells"][1:]:  # after the set-up cell: the key earns every point
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)
    assert "all 5 checks passed" in capsys.readouterr().out
    assert check("2.2", namespace["backward"]) == float(EXERCISES["2.2"].points)


def test_released_notebooks_start_with_the_set_up_cell_and_carry_nbgrader_metadata(
        release: Path):
    from engine.app.notebook_setup import SETUP_SOURCE

    for kind in ("starter", "key"):
        for path in sorted((release / kind / "notebooks").glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
            assert notebook.cells[0].source == SETUP_SOURCE
            graded = [c for c in notebook.cells if "nbgrader" in c.metadata]
            assert graded
            for cell in graded:
                nbgrader = cell.metadata["nbgrader"]
                assert nbgrader["cell_type"] == cell.cell_type and len(nbgrader["checksum"]) == 32
                assert cell.metadata["deletable"] is False
                assert cell.metadata.get("editable", True) is not nbgrader["locked"]
    nbgrader_utils = pytest.importorskip("nbgrader.utils")
    for path in sorted((release / "starter" / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "nbgrader" in cell.metadata:  # nbgrader's own recipe gives the same checksum
                assert cell.metadata["nbgrader"]["checksum"] == \
                    nbgrader_utils.compute_checksum(cell), (path.name, cell.metadata)


def test_check_takes_functions_given_and_rejects_what_is_not_one(capsys):
    def backward(root):
        root.backward()

    check("2.2", backward)
    assert "calling the engine's own implementation" in capsys.readouterr().out
    with pytest.raises(TypeError, match="not a function"):
        run_checks("2.2", {}, 3)
    with pytest.raises(ValueError, match="no exercise '8.8'"):
        check("8.8")
    with pytest.raises(AssertionError):
        assert_passes("2.2", backward)




nbclient = pytest.importorskip("nbclient")


@pytest.mark.parametrize(("kind", "says"), [("starter", "not implemented yet"),
                                            ("key", "all 6 checks passed")])
def test_a_released_notebook_runs_and_its_check_cells_report(release: Path, tmp_path: Path,
                                                             kind: str, says: str):
    notebook = nbformat.read(release / kind / "notebooks" / "graph.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o for o in outputs if o.output_type == "display_data"]
    printed = "".join(o.data["text/plain"] for o in shown)
    assert printed.count("Exercise 2.") == 2 and says in printed
    pages = "".join(o.data["text/html"] for o in shown)
    assert pages.count('<div class="sweepgrad-report">') == 2


def test_a_failure_in_a_notebook_shows_the_observation_first_and_folds_the_hint():
    def backward(root):
        root.grad = 1.0
        for node in reversed(engine_topological_order(root)):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad = local * node.grad

    result = run_checks("2.2", {"backward": backward})
    html = Report(result)._repr_html_()
    failed = next(c for c in result.checks if not c.passed)
    observed, named = html.index(escape(failed.detail)), html.index("Looks like: `=`")
    folded = html.index("<details><summary>Hint</summary>")
    assert observed < named < folded
    assert escape(failed.hint) in html[folded:]
    assert str(Report(result)) == result.report()
    text = result.report()
    assert text.index(failed.detail) < text.index("Looks like") < text.index("Hint:")


def test_check_in_a_notebook_stops_at_the_time_limit_with_one_line(capsys, monkeypatch):
    from engine.app.classroom import notebook

    monkeypatch.setattr(notebook, "SECONDS", 0.5)

    def backward(root):
        while True:
            pass

    check("2.2", backward)
    out = capsys.readouterr().out
    assert out.strip() == ("check 2.2: stopped after 0.5 s, the time limit per exercise (an "
                           "endless loop, or far too slow?)")
    with pytest.raises(AssertionError, match="stopped after 0.5 s"):
        assert_passes("2.2", backward)


def test_ctrl_c_during_check_is_one_line(capsys):
    def backward(root):
        raise KeyboardInterrupt

    check("2.2", backward)
    assert capsys.readouterr().out.strip() == (
        "check 2.2: interrupted (Ctrl-C) before the checks finished")


def test_the_check_cell_gives_the_graders_points_and_survives_a_rebound_name(monkeypatch):
    """Under nbgrader a check cell's value is the points ``sweepgrad grade`` gives (nbgrader's
    partial credit); it imports ``check`` itself, so a student's ``check`` cannot answer."""
    from engine.app.classroom.release import source_notebooks, source_of

    cells = {c["metadata"]["nbgrader"]["grade_id"]: source_of(c)
             for p in source_notebooks() for c in read_notebook(p)["cells"]
             if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    assert len(cells) == len(EXERCISES)
    assert all("HIDDEN TESTS" not in text for text in cells.values())
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    namespace: dict = {}
    exec("def add(a, b):\n    return a + b, (1.0, 1.0)\n"
         "def mul(a, b):\n    return a * b, (b, a)\n"
         "def div(a, b):\n    return a / b, (1 / b, -a / b / b)\n"
         "def power(a, n):\n    return a ** n, (n * a ** (n - 1),)\n"
         "check = lambda *a, **k: 2.0\n", namespace)  # a student's cell cheats
    *statements, last = cells["check_1_1"].strip().splitlines()
    exec("\n".join(statements), namespace)
    assert eval(last, namespace) == run_checks("1.1", namespace).points == 2.0
    namespace["mul"] = eval("lambda a, b: (a * b, (a, b))")  # swapped: fewer points
    got = eval(last, namespace)
    assert got == run_checks("1.1", namespace).points < 2.0
