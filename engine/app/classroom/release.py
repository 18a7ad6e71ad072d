"""The student release, generated from the one source of every exercise.

Each chapter's source is a notebook that follows nbgrader's
conventions: a solution cell holds the reference body between
``### BEGIN SOLUTION`` and ``### END SOLUTION``, and each exercise's check
cell, ``check("2.1")``, is a grade cell worth its points (under nbgrader's
autograder ``check`` returns the points earned, nbgrader's partial credit;
the cell needs no hidden test, which would make nbgrader warn that every
returned check cell changed). nbgrader's ``generate_assignment`` takes these
notebooks as they are; hidden tests of a teacher's own are removed from the
release. ``release`` writes from them:

- ``notebooks/<chapter>.ipynb``: the statement, starter cells whose bodies
  raise ``NotImplementedError("Exercise 2.1: not implemented yet …")``, and
  a check cell ``check("2.1")`` after each exercise;
- ``modules/<chapter>.py``: the same exercises as a Python module, for work
  in an editor and ``sweepgrad check``;
- with ``solutions=True``, the same with the reference bodies kept (the
  teacher's key, and what the tests grade for full marks);
- with ``github_classroom="modules"`` (or ``"notebooks"``), GitHub
  Classroom's autograding workflow checking that folder
  (``engine.app.classroom.github_classroom``).

The sources are the solution key, so they are not part of the installed
package (the wheel holds no solution): they live in the repository, in
``notebooks/exercises/source/`` (``SOURCE``), or in a folder the teacher
names (``source=``, ``sweepgrad exercises release DIR --source FOLDER``). A
new chapter is one more notebook there, with ``sweepgrad.chapter`` in its
metadata and ``sweepgrad.exercise`` on each solution cell, and its checks in
``engine/app/classroom/checks/<chapter>.py`` (imported by that package).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from engine import write_atomically
from engine.app.classroom.nbgrader_metadata import released_metadata
from engine.app.notebook_setup import REPOSITORY, with_setup_cell

# The repository's copy of the key: engine/app/classroom -> the repository's root.
SOURCE = Path(__file__).resolve().parents[3] / "notebooks" / "exercises" / "source"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# The set-up cell's import of the checks, left out of the modules (older sources
# imported assert_passes too, for a hidden test).
CHECK_IMPORTS = ("from engine.app.classroom import assert_passes, check",
                 "from engine.app.classroom import check")


def source_notebooks(source: Path = SOURCE) -> list[Path]:
    """The chapter notebooks of ``source``, in chapter order."""
    if not Path(source).is_dir():
        raise ValueError(
            f"no source notebooks: {source} is not a folder. The sources (the solution key) "
            "are not installed with the package; give --source FOLDER (in the repository: "
            "notebooks/exercises/source)")
    paths = [p for p in Path(source).glob("*.ipynb") if not p.name.startswith(".")]
    if not paths:
        raise ValueError(f"no source notebooks (*.ipynb) in {source}")
    return sorted(paths, key=lambda p: (chapter_number(read_notebook(p)), p.name))


def read_notebook(path: Path) -> dict[str, Any]:
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a readable notebook ({error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path}: not a notebook (no list of cells)")
    return notebook


def chapter_number(notebook: dict[str, Any]) -> int:
    for cell in notebook["cells"]:
        exercise = cell.get("metadata", {}).get("sweepgrad", {}).get("exercise")
        if exercise:
            return int(str(exercise).split(".")[0])
    return 10**6


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _lines(text: str) -> list[str]:
    out = text.splitlines(keepends=True)
    if out and out[-1].endswith("\n"):
        out[-1] = out[-1][:-1]
    return out


def _function_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        match = re.match(r"\s*def (\w+)\(", line)
        if match:
            return match.group(1)
    return "the function"


def strip_solutions(text: str, exercise: str) -> str:
    """Each solution region replaced by a stub that raises, at its indentation."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            name = _function_before(lines, index)
            out.append(f"{indent}raise NotImplementedError(")
            out.append(f'{indent}    "Exercise {exercise}: not implemented yet (write {name}; '
                       'its docstring says how)"')
            out.append(f"{indent})")
        elif stripped == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def keep_solutions(text: str) -> str:
    """The source with the marker lines removed."""
    return "\n".join(line for line in text.split("\n") if line.strip() not in (BEGIN, END))


def strip_hidden_tests(text: str) -> str:
    out, inside = [], False
    for line in text.split("\n"):
        if line.strip() == BEGIN_HIDDEN:
            inside = True
        elif line.strip() == END_HIDDEN:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out).rstrip("\n")


def exercise_of(cell: dict[str, Any]) -> str | None:
    value = cell.get("metadata", {}).get("sweepgrad", {}).get("exercise")
    return str(value) if value else None


def release_notebook(notebook: dict[str, Any], solutions: bool) -> dict[str, Any]:
    """A copy for students (or, with ``solutions``, the key), outputs cleared: the set-up
    cell first, and nbgrader's metadata on its cells as nbgrader would release them."""
    cells = []
    for cell in notebook["cells"]:
        cell = json.loads(json.dumps(cell))
        text = source_of(cell)
        if cell.get("cell_type") == "code":
            exercise = exercise_of(cell)
            if exercise and not solutions:
                text = strip_solutions(text, exercise)
            text = strip_hidden_tests(keep_solutions(text) if solutions else text)
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = _lines(text)
        if "nbgrader" in cell.get("metadata", {}):
            cell["metadata"] = released_metadata(cell["cell_type"], text, cell["metadata"])
        cells.append(cell)
    return {**notebook, "cells": with_setup_cell(cells)}


def module_text(notebook: dict[str, Any], solutions: bool) -> str:
    """The chapter as a Python module: statement as docstring, setup, exercises."""
    chapter = notebook.get("metadata", {}).get("sweepgrad", {}).get("chapter", "chapter")
    markdown = [source_of(c) for c in notebook["cells"] if c.get("cell_type") == "markdown"]
    intro = markdown[0] if markdown else chapter
    intro = re.sub(r"^#\s*", "", intro).split("\n\nWrite each function")[0].rstrip()
    exercises = [exercise_of(c) for c in notebook["cells"] if exercise_of(c)]
    first = exercises[0] if exercises else "all"
    doc = f"{intro}\n\nCheck your work:  sweepgrad check {first} {chapter}.py   (or: all)\n"
    quote = 'r"""' if "\\" in doc else '"""'
    parts = [f'{quote}{doc.replace(chr(34) * 3, chr(39) * 3)}"""']
    headings = iter(re.match(r"## Exercise ([\d.]+): (.*)", m.split("\n")[0])
                    for m in markdown[1:])
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        text = source_of(cell)
        exercise = exercise_of(cell)
        if exercise:
            heading = next(headings, None)
            title = heading.group(2) if heading else ""
            banner = f"# --- Exercise {exercise}: {title} "
            body = keep_solutions(text) if solutions else strip_solutions(text, exercise)
            parts.append(f"{banner}{'-' * max(3, 88 - len(banner))}\n\n\n{body}")
        elif cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup":
            for line in CHECK_IMPORTS:
                text = text.replace(line, "")
            parts.append(text.strip("\n"))
    return "\n\n".join(parts).rstrip("\n") + "\n"


README = f"""# Exercises

`notebooks/` holds one notebook per chapter and `modules/` the same exercises as
Python modules: work in whichever you like. Each exercise's function raises
NotImplementedError until you write it.

Without sweepgrad yet? Install it with Python 3.10 or newer:

    pip install "sweepgrad[notebooks] @ git+{REPOSITORY}"
    jupyter lab notebooks

(or open a chapter notebook in Colab: its first cell installs sweepgrad).

In a notebook, run the check cell under an exercise (`check("2.2")`). In a
terminal, in the folder of your modules or notebooks:

    sweepgrad check 2.2          # one exercise
    sweepgrad check all          # every exercise of every chapter file here

Each report says which checks pass and, for one that fails, what the
mistake looks like, where, and a hint.
"""


CLASSROOM_README = """
Each push to your repository is graded the same way: the workflow in
`.github/workflows/classroom.yml` runs `sweepgrad check` on each exercise
of `{folder}/`, worth its points. Work in `{folder}/`, check before you push.
"""


def release(out: str | Path, *, solutions: bool = False, source: str | Path = SOURCE,
            force: bool = False, github_classroom: str | None = None,
            install: str = "sweepgrad") -> list[Path]:
    """Write the release of every source notebook under ``out``; the files written.

    ``github_classroom`` (``"modules"`` or ``"notebooks"``) adds the autograding
    workflow, whose install step runs ``pip install INSTALL``."""
    out = Path(out)
    notebooks = source_notebooks(Path(source))
    plan: list[tuple[Path, str]] = []
    for path in notebooks:
        notebook = read_notebook(path)
        chapter = path.stem
        released = release_notebook(notebook, solutions)
        plan.append((out / "notebooks" / f"{chapter}.ipynb",
                     json.dumps(released, indent=1, ensure_ascii=False) + "\n"))
        plan.append((out / "modules" / f"{chapter}.py", module_text(notebook, solutions)))
    readme = README if github_classroom is None else README + CLASSROOM_README.format(
        folder=github_classroom)
    plan.append((out / "README.md", readme))
    if github_classroom is not None:
        from engine.app.classroom import in_order  # the package registers the exercises
        from engine.app.classroom.github_classroom import WORKFLOW, workflow_text

        chapters = {path.stem for path in notebooks}
        exercises = [e for e in in_order() if e.chapter in chapters]
        plan.append((out / WORKFLOW, workflow_text(exercises, github_classroom, install)))
    existing = [p for p, _ in plan if p.exists()]
    if existing and not force:
        raise ValueError(f"{existing[0]} exists (and {len(existing) - 1} more): release into "
                         "an empty folder, or give --force to overwrite")
    return [write_atomically(path, text) for path, text in plan]
