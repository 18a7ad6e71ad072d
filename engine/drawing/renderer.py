"""Turning a drawing into a file: finding a Graphviz program and running it.

The program is, in this order:

1. ``dot`` on ``PATH`` (Graphviz itself);
2. ``graphviz-pure`` on ``PATH`` or next to the running Python (``pip install
   graphviz-pure`` puts it in the virtual environment's ``bin``, which is not
   on ``PATH`` unless the environment is activated). It is a Rust port of
   Graphviz with ``dot``'s flags; it writes SVG and PNG but not PDF.

Without either, ``GraphvizNotFoundError`` says how to install one. In the
browser (Pyodide) there are no programs: SVG is drawn by Graphviz compiled
to WebAssembly (``engine.drawing.browser_graphviz``), and PNG or PDF say
they need ``dot``. Graphviz
runs with a time limit (``DEFAULT_TIMEOUT``, 60 s; ``timeout=`` changes it),
and files are written atomically. Building a
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

from engine import arguments
from engine.drawing import browser_graphviz
from engine.files import write_atomically

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


# Seconds Graphviz may take to lay out one drawing before it is stopped.
DEFAULT_TIMEOUT = 60.0


class RenderTimeoutError(RuntimeError):
    """Graphviz took longer than the timeout; the message suggests a smaller drawing."""


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


def run_renderer(source: str, format: str, timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
    """The picture of DOT ``source`` in ``format`` ("svg", "png", "pdf"), as bytes.

    Graphviz gets at most ``timeout`` seconds (None: no limit); a layout that
    takes longer is stopped and ``RenderTimeoutError`` says what to draw instead.
    """
    if browser_graphviz.IN_BROWSER:
        return _render_in_browser(source, format)
    program = find_renderer()
    if format == "pdf" and Path(program).name.startswith("graphviz-pure"):
        raise GraphvizNotFoundError(
            "graphviz-pure (found at " + program + ") cannot write PDF; write .svg or "
            ".png, or install Graphviz's dot for PDF.\n" + INSTALL_HELP
        )
    if timeout is not None:
        timeout = arguments.real(timeout, "timeout", above=0.0, what="seconds > 0, or None")
    try:
        result = subprocess.run(
            [program, f"-T{format}"], input=source.encode("utf-8"), capture_output=True,
            check=False, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RenderTimeoutError(
            f"{Path(program).name} did not finish laying out the drawing in {timeout:g} s. "
            "Large or densely shared graphs take Graphviz minutes: draw a smaller example, "
            "pass collapse='neuron' or collapse='layer' for a network from nn, or give it "
            "more time with timeout=seconds (None for no limit)."
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{program} failed to draw ({result.returncode}): {message}")
    return result.stdout


def _render_in_browser(source: str, format: str) -> bytes:
    """SVG from the WebAssembly Graphviz; other formats need ``dot``, which a browser lacks."""
    if format != "svg":
        raise GraphvizNotFoundError(
            f"{format.upper()} needs Graphviz's dot program, which cannot run in the browser: "
            "draw as SVG instead (a path ending in .svg, or format='svg')")
    try:
        return browser_graphviz.render_svg(source).encode("utf-8")
    except browser_graphviz.BrowserGraphvizError as error:
        raise GraphvizNotFoundError(str(error)) from None


def write_image(
    drawing: graphviz.Digraph | str,
    path: str | os.PathLike[str],
    format: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Path:
    """Render a ``Digraph`` (or DOT source) to ``path``, atomically; return the path.

    ``timeout``: seconds Graphviz may take (see ``run_renderer``).
    """
    path = Path(path)
    chosen = format_of(path, format)
    source = drawing if isinstance(drawing, str) else drawing.source
    if chosen in SOURCE_SUFFIXES:
        return write_atomically(path, source)
    return write_atomically(path, run_renderer(source, chosen, timeout))


def render_bytes(drawing: graphviz.Digraph | str, format: str,
                 timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
    """A ``Digraph`` (or DOT source) rendered as ``format`` (svg, png, pdf), without a file."""
    source = drawing if isinstance(drawing, str) else drawing.source
    return run_renderer(source, format_of(Path("picture"), format), timeout)


def render_svg(drawing: graphviz.Digraph | str, timeout: float | None = DEFAULT_TIMEOUT) -> str:
    """The SVG text of a ``Digraph`` (or DOT source), without writing a file."""
    return render_bytes(drawing, "svg", timeout).decode("utf-8")
