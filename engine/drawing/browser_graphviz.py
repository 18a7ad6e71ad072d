"""Graphviz as WebAssembly, for drawing in the browser (Pyodide: ``sys.platform == "emscripten"``).

A browser runs no processes, so ``dot`` cannot lay out a drawing there;
viz-js (npm's ``@viz-js/viz``: Graphviz compiled to WebAssembly, with SVG
output) can, inside the kernel's own worker. The site serves viz-js's
``viz-global.js`` beside Pyodide's files (``make site`` puts it there);
this module fetches it from that folder (``pyodide_js.lockfileBaseUrl``,
the same server as the page), runs it in the worker through Pyodide's
``js`` module, and waits for Graphviz to start.

Starting is asynchronous in the browser (WebAssembly is compiled in the
background). Where Pyodide can wait for a JavaScript promise from
synchronous code (``pyodide.ffi.run_sync``, in browsers with JavaScript
Promise Integration) the first drawing waits; elsewhere loading starts when
``engine.drawing`` is imported, and a drawing asked for before it is ready
says to run the cell again. Only SVG can be made this way: PNG, PDF and
GIF need Graphviz's ``dot`` program (``engine.drawing.renderer`` says so).
"""

from __future__ import annotations

import sys
from typing import Any

IN_BROWSER = sys.platform == "emscripten"
SCRIPT = "viz-global.js"


class BrowserGraphvizError(RuntimeError):
    """The WebAssembly Graphviz could not be loaded or could not draw (the message says why)."""


# The viz-js instance once started; its promise (or what failed) meanwhile.
_state: dict[str, Any] = {"viz": None, "promise": None, "failure": None}


def script_url() -> str:
    """Where the site serves viz-js: beside Pyodide's own files."""
    import pyodide_js  # Pyodide's JavaScript API

    return str(pyodide_js.lockfileBaseUrl).rstrip("/") + "/" + SCRIPT


def start_loading() -> None:
    """Fetch viz-js from the site, run it in this worker and start Graphviz (idempotent)."""
    if _state["viz"] is not None or _state["promise"] is not None:
        return
    import js  # the worker's global scope, from Pyodide

    url = script_url()
    request = js.XMLHttpRequest.new()
    request.open("GET", url, False)  # synchronous: allowed in a worker, and it is small
    try:
        request.send(None)
    except Exception as error:  # a JavaScript NetworkError
        raise BrowserGraphvizError(_missing(url, str(error))) from None
    if request.status != 200:
        raise BrowserGraphvizError(_missing(url, f"the server answered {request.status}"))
    js.eval(request.responseText)  # the site's own copy of viz-js: defines Viz
    _state["promise"] = js.Viz.instance().then(_started, _failed)


def start_loading_early() -> None:
    """``start_loading`` when ``engine.drawing`` is imported; a failure waits for the drawing."""
    try:
        start_loading()
    except BrowserGraphvizError as error:
        _state["failure"] = str(error)


def _missing(url: str, why: str) -> str:
    return (f"drawing in the browser needs viz-js (Graphviz as WebAssembly) at {url}, and "
            f"it could not be loaded: {why}. The site built by `make site` serves it; "
            "elsewhere, draw(...).source gives the DOT text")


def _started(viz: Any) -> None:
    _state["viz"] = viz


def _failed(error: Any) -> None:
    _state["failure"] = f"Graphviz (viz-js) failed to start in this browser: {error}"


def _ready() -> Any:
    """The started viz-js instance: waited for where Pyodide can, else an error saying to retry."""
    start_loading()
    if _state["viz"] is None and _state["failure"] is None:
        try:
            from pyodide.ffi import can_run_sync, run_sync
        except ImportError:
            can_run_sync = None
        if can_run_sync is not None and can_run_sync():
            run_sync(_state["promise"])
    if _state["failure"] is not None:
        raise BrowserGraphvizError(_state["failure"])
    if _state["viz"] is None:
        raise BrowserGraphvizError(
            "Graphviz (viz-js, as WebAssembly) is still starting in this browser tab: "
            "run the cell again in a moment")
    return _state["viz"]


def render_svg(source: str) -> str:
    """The SVG of DOT ``source``, laid out by Graphviz as WebAssembly."""
    viz = _ready()
    import js
    from pyodide.ffi import JsException

    try:
        return str(viz.renderString(source, js.JSON.parse('{"format": "svg"}')))
    except JsException as error:
        raise RuntimeError(f"Graphviz (viz-js) could not draw the graph: {error}") from None
