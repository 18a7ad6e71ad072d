"""A student's submission, read: which file holds each chapter, and the
functions it defines.

A submission is a folder (``ops.py``, ``graph.py``, … or the chapter
notebooks ``graph.ipynb``, …; a module wins over a notebook of the same
chapter) or a single file. A notebook's chapter is read from its metadata
(``sweepgrad.chapter``, written by the release), else from its name; a
notebook of no known chapter is searched for every exercise's functions.

A module is run as it is, a notebook cell by cell
(``engine.app.classroom.loading``). Only regular files are read, each
bounded in size, and a symbolic link is never followed out of a submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.app.classroom.loading import read_limited, run_module, run_notebook
from engine.app.classroom.registry import EXERCISES


@dataclass
class Chapter:
    """What one chapter of a submission gave: its functions, files, and any error."""

    functions: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    error: str = ""  # set when the file could not be run (syntax error, exception, exit)


def _entry(path: Path) -> bool:
    """A file a submission may offer: present, not a symbolic link (never followed out).

    The submission's own folder may be a link (the teacher's collection of
    submissions, a grader's bundle); what it holds is the student's."""
    return path.exists() and not path.is_symlink()


def chapter_files(path: Path, chapter: str) -> list[Path]:
    """The file(s) of ``path`` that hold ``chapter`` (empty when none does)."""
    path = Path(path)  # the submission itself may be a link the teacher made; not inside it
    if path.is_file() or (_entry(path) and not path.is_dir()):
        return [path] if _chapter_of(path) in (chapter, None) else []
    if not path.is_dir():
        return []
    for name in (f"{chapter}.py", f"{chapter}.ipynb"):
        if _entry(path / name):
            return [path / name]
    return [p for p in sorted(path.glob("*.ipynb")) if _entry(p) and _chapter_of(p) == chapter]


def _chapter_of(path: Path) -> str | None:
    if path.suffix == ".ipynb":
        try:
            meta = json.loads(read_limited(path)).get("metadata", {})
            chapter = meta.get("sweepgrad", {}).get("chapter")
        except (ValueError, AttributeError, RecursionError):
            chapter = None
        if chapter:
            return str(chapter)
    return path.stem if path.stem in {e.chapter for e in EXERCISES.values()} else None


def chapter_sources(path: Path, chapter: str) -> tuple[dict[str, str], str]:
    """The text of the chapter's file(s), by name, and why any was refused ("" if none)."""
    sources: dict[str, str] = {}
    for file in chapter_files(path, chapter):
        try:
            sources[file.name] = read_limited(file)
        except ValueError as error:
            return sources, str(error)
    return sources, ""


def run_sources(sources: dict[str, str], chapter: str) -> tuple[dict[str, Any], str]:
    """Run the chapter's files (text by name): the functions they define, the first error."""
    functions: dict[str, Any] = {}
    first = ""
    for name, text in sources.items():
        run = run_notebook if name.endswith(".ipynb") else run_module
        defined, error = run(name, text, chapter)
        functions.update(defined)
        first = first or error
    return functions, first


def load_chapter(path: Path, chapter: str) -> Chapter:
    """Run the chapter's file(s) from the submission at ``path``, in this process."""
    files = chapter_files(path, chapter)
    result = Chapter(files=[f.name for f in files])
    sources, refused = chapter_sources(path, chapter)
    result.functions, result.error = run_sources(sources, chapter)
    result.error = refused or result.error
    return result


