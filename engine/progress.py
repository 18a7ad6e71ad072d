"""Progress bars for long loops (training, benchmarks), drawn by tqdm.

``progress_bar(total, description)`` returns a ``tqdm`` bar, or a disabled
one that prints nothing, chosen by where the output goes:

- in a Jupyter kernel (writing to the notebook's own stdout or stderr): the
  notebook front end of ``tqdm.auto``, a live widget when ipywidgets is
  installed, else a text bar in the cell (never tqdm's "IProgress not
  found" warning);
- on a terminal: tqdm's text bar, redrawn in place;
- anywhere else (a pipe, a log file, a captured stream), under CI (the
  environment variable ``CI`` set), with ``SWEEPGRAD_PROGRESS=0``, or with
  ``quiet=True``: nothing, so logs and saved notebooks hold no bar;
- in the browser (Pyodide), where no thread can start for tqdm's monitor:
  nothing either.

tqdm is imported on the first bar, so ``import engine`` stays light.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from engine import arguments

if TYPE_CHECKING:
    from tqdm import tqdm

OFF_VALUES = ("", "0", "false", "no", "off")


def _is_set(name: str) -> bool:
    """True when the environment variable ``name`` is set to something other than no."""
    value = os.environ.get(name)
    return value is not None and value.strip().lower() not in OFF_VALUES


def in_jupyter_kernel() -> bool:
    """True inside a Jupyter (ZMQ) kernel, where the notebook front end can draw a bar."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    shell = shell_module.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _has_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401  # tqdm.notebook draws with it
    except ImportError:
        return False
    return True


def wanted(stream: TextIO | None, quiet: bool = False) -> str | None:
    """Which bar to draw: ``"notebook"``, ``"text"``, or None for none at all."""
    if quiet or _is_set("CI") or sys.platform == "emscripten":
        return None  # in the browser tqdm's monitor thread cannot start: no bar
    if os.environ.get("SWEEPGRAD_PROGRESS", "1").strip().lower() in OFF_VALUES:
        return None
    if in_jupyter_kernel() and stream in (None, sys.stdout, sys.stderr):
        return "notebook" if _has_widgets() else "text"
    target = stream if stream is not None else sys.stderr
    is_terminal = getattr(target, "isatty", None)
    return "text" if callable(is_terminal) and is_terminal() else None


def progress_bar(
    total: int, description: str = "", *, quiet: bool = False, stream: TextIO | None = None
) -> tqdm:
    """A tqdm bar over ``total`` steps (``bar.update()``, ``bar.set_postfix_str(...)``).

    Use it as a context manager so it closes. ``stream`` is where a text bar
    goes (default stderr); see the module docstring for when it is silent.
    """
    total = arguments.integer(total, "total", minimum=0, what="an int >= 0")
    kind = wanted(stream, quiet)
    if kind == "notebook":
        from tqdm.notebook import tqdm as notebook_tqdm

        return notebook_tqdm(total=total, desc=description, leave=True)
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=description,
        file=stream if stream is not None else sys.stderr,
        disable=kind is None,
        leave=True,
        dynamic_ncols=True,
    )
