"""A student's submission, read: which file holds each chapter, and the
functions it defines.

A submission is a folder (``ops.py``, ``graph.py``, … or the chapter
notebooks ``graph.ipynb``, …; a module wins over a notebook of the same
chapter) or a single file. A notebook's chapter is read from its metadata
(``sweepgrad.chapter``, written by the release), else from its name; a
notebook of no known chapter is searched for every exercise's functions.

A module is run as it is. A notebook's code cells run in order in one
namespace, each on its own, so one broken cell costs only what it defines;
shell and magic lines (``!pip``, ``%time``) are skipped and ``check(...)``
calls do nothing while a submission loads.
"""

from __future__ import annotations

import json
import linecache
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from engine.app.classroom import notebook as in_notebook
from engine.app.classroom.registry import EXERCISES


@dataclass
class Chapter:
    """What one chapter of a submission gave: its functions, files, and any error."""

    functions: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    error: str = ""  # set when the file could not be run (syntax error, exception, exit)


def chapter_files(path: Path, chapter: str) -> list[Path]:
    """The file(s) of ``path`` that hold ``chapter`` (empty when none does)."""
    path = Path(path)
    if path.is_file():
        return [path] if _chapter_of(path) in (chapter, None) else []
    if not path.is_dir():
        return []
    module = path / f"{chapter}.py"
    if module.is_file():
        return [module]
    notebook = path / f"{chapter}.ipynb"
    if notebook.is_file():
        return [notebook]
    return [p for p in sorted(path.glob("*.ipynb")) if _chapter_of(p) == chapter]


def _chapter_of(path: Path) -> str | None:
    if path.suffix == ".ipynb":
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
            chapter = meta.get("sweepgrad", {}).get("chapter")
        except (OSError, ValueError, AttributeError):
            chapter = None
        if chapter:
            return str(chapter)
    return path.stem if path.stem in {e.chapter for e in EXERCISES.values()} else None


def load_chapter(path: Path, chapter: str) -> Chapter:
    """Run the chapter's file(s) from the submission at ``path``."""
    files = chapter_files(path, chapter)
    result = Chapter(files=[f.name for f in files])
    for file in files:
        if file.suffix == ".ipynb":
            functions, error = _run_notebook(file, chapter)
        else:
            functions, error = _run_module(file, chapter)
        result.functions.update(functions)
        result.error = result.error or error
    return result


def _describe(error: BaseException, filename: str) -> str:
    if isinstance(error, SyntaxError):
        return f"syntax error in {filename} line {error.lineno}: {error.msg}"
    if isinstance(error, SystemExit):
        return f"{filename} calls sys.exit({error.code!r}) while loading"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(
        filename) or filename in f.filename]
    where = f" line {frames[-1].lineno}" if frames else ""
    return f"{filename}{where} raised {type(error).__name__} while loading: {error}"


def _run_module(file: Path, chapter: str) -> tuple[dict[str, Any], str]:
    name = f"sweepgrad_submission_{chapter}"
    module = ModuleType(name)
    module.__file__ = str(file)
    sys.modules[name] = module
    try:
        source = file.read_text(encoding="utf-8")
        code = compile(source, str(file), "exec")
        with in_notebook.loading():
            exec(code, module.__dict__)
    except MemoryError:
        raise
    except (Exception, SystemExit) as error:  # noqa: B902 a student's file may do anything
        return dict(vars(module)), _describe(error, file.name)
    return dict(vars(module)), ""


def _run_notebook(file: Path, chapter: str) -> tuple[dict[str, Any], str]:
    try:
        cells = json.loads(file.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
        return {}, f"{file.name} is not a readable notebook: {error}"
    namespace: dict[str, Any] = {"__name__": f"sweepgrad_notebook_{chapter}"}
    first_error = ""
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = [line for line in text.split("\n") if not line.lstrip().startswith(("%", "!"))]
        filename = f"{file.name} cell {number}"
        code_text = "\n".join(lines) + "\n"
        linecache.cache[filename] = (len(code_text), None, code_text.splitlines(True), filename)
        try:
            code = compile(code_text, filename, "exec")
            with in_notebook.loading():
                exec(code, namespace)
        except MemoryError:
            raise
        except (Exception, SystemExit) as error:  # noqa: B902 a student's cell may do anything
            first_error = first_error or _describe(error, filename)
    return namespace, first_error
