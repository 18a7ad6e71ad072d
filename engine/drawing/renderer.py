"""Turning a drawing into a file: finding a Graphviz program and running it.

The program is, in this order:

1. ``dot`` on ``PATH`` (Graphviz itself);
2. ``graphviz-pure`` on ``PATH`` or next to the running Python (``pip install
   graphviz-pure`` puts it in the virtual environment's ``bin``, which is not
   on ``PATH`` unless the environment is activated). It is a Rust port of
   Graphviz with ``dot``'s flags; it writes SVG and PNG but not PDF.

Without either, ``GraphvizNotFoundError`` says how to install one. Building a
``Digraph`` and reading its ``.source`` never needs a program; nor does
writing ``.dot``/``.gv`` files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import graphviz

FORMATS = ("svg", "png", "pdf")
SOURCE_SUFFIXES = ("dot", "gv")

INSTALL_HELP = """\
Graphviz's `dot` program is needed to render drawings, and it was not found on PATH.
Install it with one of:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  pip (no admin): pip install graphviz-pure   (SVG and PNG; a Rust port of Graphviz)
The graph itself is available without it: draw(root).source is its DOT text."""


class GraphvizNotFoundError(RuntimeError):
    """No program that can render the drawing was found (the message says how to install one)."""


def _scripts_directories() -> list[str]:
    """Where pip puts programs for the running Python (the venv's ``bin``)."""
    directories = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    unique = []
    for directory in directories:
        if directory and directory not in unique:
            unique.append(directory)
    return unique


def find_renderer() -> str:
    """The path of ``dot``, else of ``graphviz-pure``; else ``GraphvizNotFoundError``."""
    dot = shutil.which("dot")
    if dot:
        return dot
    pure = shutil.which("graphviz-pure")
    if pure:
        return pure
    for directory in _scripts_directories():
        pure = shutil.which("graphviz-pure", path=directory)
        if pure:
            return pure
    raise GraphvizNotFoundError(INSTALL_HELP)


def format_of(path: Path, format: str | None) -> str:
    """The output format: ``format`` if given, else the file's suffix."""
    chosen = format if format is not None else path.suffix.lstrip(".")
    chosen = chosen.lower()
    if chosen not in FORMATS + SOURCE_SUFFIXES:
        raise ValueError(
            f"cannot tell how to write {str(path)!r} (format {chosen or 'missing'!r}): "
            "use a path ending in .svg, .png or .pdf (or .dot/.gv for the DOT source), "
            "or pass format='svg', 'png' or 'pdf'"
        )
    return chosen


def write_image(
    drawing: graphviz.Digraph | str, path: str | os.PathLike[str], format: str | None = None
) -> Path:
    """Render a ``Digraph`` (or DOT source) to ``path``; return the path."""
    path = Path(path)
    chosen = format_of(path, format)
    source = drawing if isinstance(drawing, str) else drawing.source
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen in SOURCE_SUFFIXES:
        path.write_text(source, encoding="utf-8")
        return path
    _run(source, chosen, str(path))
    return path


def render_bytes(drawing: graphviz.Digraph | str, format: str) -> bytes:
    """A ``Digraph`` (or DOT source) rendered as ``format`` (svg, png, pdf), without a file."""
    source = drawing if isinstance(drawing, str) else drawing.source
    return _run(source, format_of(Path("picture"), format))


def render_svg(drawing: graphviz.Digraph | str) -> str:
    """The SVG text of a ``Digraph`` (or DOT source), without writing a file."""
    return render_bytes(drawing, "svg").decode("utf-8")


def _run(source: str, chosen: str, output: str | None = None) -> bytes:
    """Run the Graphviz program on ``source``, writing format ``chosen`` to the file
    ``output`` (or returning it, when no file is given)."""
    program = find_renderer()
    if chosen == "pdf" and Path(program).name.startswith("graphviz-pure"):
        raise GraphvizNotFoundError(
            "graphviz-pure (found at " + program + ") cannot write PDF; write .svg or "
            ".png, or install Graphviz's dot for PDF.\n" + INSTALL_HELP
        )
    result = subprocess.run(
        [program, f"-T{chosen}", *(["-o", output] if output is not None else [])],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        what = output if output is not None else f"{chosen} output"
        raise RuntimeError(f"{program} failed to write {what} ({result.returncode}): {message}")
    return result.stdout
