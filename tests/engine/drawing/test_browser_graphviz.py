"""Drawing in the browser, natively: Pyodide's ``js`` and ``pyodide_js`` modules stood in for.

The real WebAssembly Graphviz is exercised in headless Chromium
(tests/site/test_site_in_browser.py); here the choices around it are checked:
which formats are refused and how, where viz-js is looked for, what a page
that does not serve it says, and that the player offers SVG, not PNG.
"""

import subprocess
import sys
import types

import pytest

from engine import Value, draw, render
from engine.drawing import browser_graphviz, play_backward
from engine.drawing.renderer import GraphvizNotFoundError
from engine.drawing.steps import save_backward_animation

SITE = "http://127.0.0.1:8000/lite/static/pyodide/"


class FakeRequest:
    """A synchronous XMLHttpRequest that answers ``status`` and records what it fetched."""

    fetched: list[str] = []

    def __init__(self, status: int):
        self.status, self.responseText = status, ""

    def open(self, method: str, url: str, asynchronous: bool) -> None:
        assert (method, asynchronous) == ("GET", False)
        FakeRequest.fetched.append(url)

    def send(self, body: object) -> None:
        pass


@pytest.fixture
def browser(monkeypatch):
    """As in the browser, with viz-js drawing ``<svg>`` + the DOT text it was given."""
    monkeypatch.setattr(browser_graphviz, "IN_BROWSER", True)
    monkeypatch.setattr(browser_graphviz, "_state",
                        {"viz": None, "promise": None, "failure": None})
    monkeypatch.setitem(sys.modules, "pyodide_js", types.SimpleNamespace(lockfileBaseUrl=SITE))
    FakeRequest.fetched = []
    yield monkeypatch


def serve(monkeypatch, status: int) -> None:
    fake_js = types.SimpleNamespace(
        XMLHttpRequest=types.SimpleNamespace(new=lambda: FakeRequest(status)))
    monkeypatch.setitem(sys.modules, "js", fake_js)


def neuron() -> Value:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w).tanh()
    y.backward()
    return y


def test_png_pdf_and_gif_say_they_need_dot(browser, tmp_path):
    for path in ("graph.png", "graph.pdf"):
        with pytest.raises(GraphvizNotFoundError, match="needs Graphviz's dot program"):
            render(neuron(), tmp_path / path)
    with pytest.raises(GraphvizNotFoundError, match="GIF needs Graphviz's dot"):
        save_backward_animation(neuron(), tmp_path / "sweep.gif")
    assert not list(tmp_path.iterdir())


def test_a_site_without_viz_js_is_named_in_the_error(browser, tmp_path):
    serve(browser, 404)
    with pytest.raises(GraphvizNotFoundError) as raised:
        render(neuron(), tmp_path / "graph.svg")
    message = str(raised.value)
    assert SITE + "viz-global.js" in message and "404" in message and "make site" in message
    assert FakeRequest.fetched == [SITE + "viz-global.js"]
    # the inline display says the same instead of raising
    bundle = draw(neuron())._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "viz-global.js" in bundle["text/plain"]


def test_svg_is_drawn_by_the_wasm_graphviz(browser, tmp_path):
    drawn: list[str] = []
    monkeypatch = browser
    monkeypatch.setattr(browser_graphviz, "render_svg",
                        lambda source: drawn.append(source) or "<svg>drawn</svg>")
    path = render(neuron(), tmp_path / "graph.svg")
    assert path.read_text() == "<svg>drawn</svg>"
    assert "tanh" in drawn[0] and drawn[0].startswith("digraph")


def test_the_player_offers_svg_instead_of_png(browser):
    monkeypatch = browser
    # dot stands in for the WebAssembly Graphviz: the player reads the nodes it drew
    monkeypatch.setattr(browser_graphviz, "render_svg", lambda source: subprocess.run(
        ["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=True).stdout)
    bundle = play_backward(neuron())._repr_mimebundle_()
    assert "image/png" not in bundle
    assert bundle["image/svg+xml"].startswith("<svg") and "sweepgrad-player" in bundle["text/html"]


def test_the_progress_bar_is_quiet_without_threads(monkeypatch):
    from engine.progress import wanted

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert wanted(None) is None
