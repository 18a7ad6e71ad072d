"""Running a student's chapter file: a module as it is, a notebook cell by cell.

Used in the grader's sandboxed runner (``engine.app.classroom.runner``) and
by ``sweepgrad check`` in the student's own process. Both run the text of
the file, read once and bounded by ``read_limited``, which refuses anything
that is not a regular file (a FIFO, a device, a symlink) instead of
hanging or reading without end.

A notebook's code cells run in order in one namespace, each on its own, so
one broken cell costs only what it defines; shell and magic lines (``!pip``,
``%time``) are skipped. While a file loads, its own ``check(...)`` calls do
nothing (``loading``).
"""

from __future__ import annotations

import json
import linecache
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

MAX_FILE_BYTES = 4 * 1024 * 1024  # a chapter's notebook with outputs is well under 1 MB

_loading = [0]


@contextmanager
def loading() -> Iterator[None]:
    """While a submission loads, its own ``check(...)`` cells do nothing."""
    _loading[0] += 1
    try:
        yield
    finally:
        _loading[0] -= 1


def is_loading() -> bool:
    return _loading[0] > 0


def read_limited(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> str:
    """The text of ``path``: a regular file (not a link) of at most ``limit`` bytes.

    Raises ``ValueError`` saying, by the file's name, why it was refused.
    """
    # Only the judge and ``sweepgrad check`` read files: a sandbox starts without these.
    from engine.files import FileTooLarge, NotARegularFile, read_regular_file  # noqa: PLC0415

    name = os.path.basename(os.fspath(path))
    if os.path.islink(path):  # never followed out of a submission
        raise ValueError(f"{name} is a symbolic link, not a file")
    try:
        data = read_regular_file(path, limit)
    except NotARegularFile as error:  # named by the file alone: a report shows no teacher path
        raise ValueError(str(error).replace(os.fspath(path), name, 1)) from None
    except FileTooLarge:
        raise ValueError(f"{name} is larger than {limit // (1024 * 1024)} MB") from None
    except OSError as error:
        raise ValueError(f"{name} cannot be read: {error.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{name} is not UTF-8 text: {error.reason} at byte "
                         f"{error.start}") from None


def describe(error: BaseException, filename: str) -> str:
    """One line on what went wrong while a file loaded, with its line."""
    if isinstance(error, SyntaxError):
        return f"syntax error in {filename} line {error.lineno}: {error.msg}"
    if isinstance(error, SystemExit):
        return f"{filename} calls sys.exit({error.code!r}) while loading"
    import traceback  # noqa: PLC0415 (only when a file fails: every sandbox imports this module)

    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(
        filename) or filename in f.filename]
    where = f" line {frames[-1].lineno}" if frames else ""
    try:
        said = str(error)
    except Exception:  # a student's exception whose __str__ raises
        said = ""
    return f"{filename}{where} raised {type(error).__name__} while loading: {said}"[:500]


def run_module(name: str, source: str, chapter: str) -> tuple[dict[str, Any], str]:
    """Run a module's ``source`` (from file ``name``): its namespace and the first error."""
    module_name = f"sweepgrad_submission_{chapter}"
    module = ModuleType(module_name)
    module.__file__ = name
    sys.modules[module_name] = module
    try:
        code = compile(source, name, "exec")
        with loading():
            exec(code, module.__dict__)
    except MemoryError:
        raise
    except (Exception, SystemExit) as error:  # noqa: B902 a student's file may do anything
        return dict(vars(module)), describe(error, name)
    return dict(vars(module)), ""


def notebook_cells(text: str) -> list[Any]:
    """The cells of a notebook's JSON text (ValueError when it is not a notebook)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError, RecursionError) as error:
        raise ValueError(f"not a readable notebook: {error}") from None
    if not isinstance(cells, list):
        raise ValueError("not a readable notebook: its cells are not a list")
    return cells


def run_notebook(name: str, text: str, chapter: str) -> tuple[dict[str, Any], str]:
    """Run a notebook's code cells in order: its namespace and the first error."""
    try:
        cells = notebook_cells(text)
    except ValueError as error:
        return {}, f"{name} is {str(error)[:300]}"
    namespace: dict[str, Any] = {"__name__": f"sweepgrad_notebook_{chapter}"}
    first_error = ""
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(map(str, source)) if isinstance(source, list) else str(source)
        # A magic or shell line becomes ``pass`` at its indentation: the set-up
        # cell's ``%pip install`` is the body of an ``if``, and the line numbers stay.
        lines = [line[:len(line) - len(line.lstrip())] + "pass"
                 if line.lstrip().startswith(("%", "!")) else line
                 for line in text.split("\n")]
        filename = f"{name} cell {number}"
        code_text = "\n".join(lines) + "\n"
        linecache.cache[filename] = (len(code_text), None, code_text.splitlines(True), filename)
        try:
            code = compile(code_text, filename, "exec")
            with loading():
                exec(code, namespace)
        except MemoryError:
            raise
        except (Exception, SystemExit) as error:  # noqa: B902 a student's cell may do anything
            first_error = first_error or describe(error, filename)
    return namespace, first_error
