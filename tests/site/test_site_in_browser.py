"""The course site's JupyterLite in headless Chromium, offline: sweepgrad runs in the page.

The built site is served on 127.0.0.1; Chromium (Debian's, driven by
Playwright) opens notebook 02 in JupyterLite, runs every cell, steps the
backward player, then frees a 100,000-link chain in the same kernel; it opens
exercise chapter 2 and runs the check of 2.2 on a sweep that assigns instead
of accumulating, then on a right one. Every request the page makes must go to
127.0.0.1. Screenshots go to test-artifacts/site/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "site"
KERNEL_SECONDS = 600  # a cold Pyodide kernel on a loaded two-core machine takes minutes

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium",
                    pytrace=False)
    pytestmark = [pytestmark, pytest.mark.skip(reason=f"{CHROMIUM} is missing")]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm", ".json": "application/json"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(built_site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(served, tmp_path_factory):
    """A Chromium profile recording every request; yields (context, requests)."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, args=ARGS,
            headless=True, viewport={"width": 1200, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        yield context, requests
        context.close()


# --- driving JupyterLite through its app object (exposed by build.py --expose-app) ---------

# Each script gives up after KERNEL_SECONDS, or as soon as the kernel is dead, so a
# crashed kernel fails the test instead of hanging it.
WAIT = """
  const kernelOf = (panel) => panel.context.sessionContext.session.kernel;
  const deadline = Date.now() + seconds * 1000;
  const pause = async (what) => {
    if (kernelOf(panel).status === 'dead') throw new Error('the kernel died ' + what);
    if (Date.now() > deadline) throw new Error('no answer from the kernel ' + what);
    await new Promise(resolve => setTimeout(resolve, 300));
  };
"""

EXECUTE = """async ([code, seconds]) => {
  const panel = window.jupyterapp.shell.currentWidget;""" + WAIT + """
  const future = kernelOf(panel).requestExecute({code});
  const out = [];
  let done = false;
  future.onIOPub = (msg) => {
    const c = msg.content;
    if (c.text) out.push(c.text);
    if (c.data && c.data['text/plain']) out.push(c.data['text/plain']);
    if (c.ename) out.push(c.ename + ': ' + c.evalue);
  };
  future.done.then(() => { done = true; });
  while (!done) await pause('running ' + code.slice(0, 40));
  return out.join('');
}"""

RUN_ALL_AND_WAIT = """async (seconds) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;""" + WAIT + """
  await app.commands.execute('notebook:run-all-cells');
  const cells = () => panel.content.widgets.filter(c => c.model.type === 'code');
  while (cells().some(c => c.model.executionCount === null)
         || kernelOf(panel).status !== 'idle') {
    await pause('running all cells');
  }
  return cells().map(c => ({source: c.model.sharedModel.getSource(),
                            outputs: c.model.outputs.toJSON()}));
}"""

RUN_CELL = """async ([index, source, seconds]) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;""" + WAIT + """
  const cell = panel.content.widgets[index];
  if (source !== null) cell.model.sharedModel.setSource(source);
  panel.content.activeCellIndex = index;
  const count = cell.model.executionCount;
  await app.commands.execute('notebook:run-cell');
  while (cell.model.executionCount === count || cell.model.executionCount === null
         || kernelOf(panel).status !== 'idle') {
    await pause('running cell ' + index);
  }
  return cell.model.outputs.toJSON();
}"""

SOURCES = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(
  c => c.model.sharedModel.getSource())"""


def open_notebook(context, served: str, path: str):
    """A page with ``path`` open in JupyterLite's notebook and its kernel started."""
    page = context.new_page()
    page.set_default_timeout(120_000)  # for loading pages and clicking, not for the kernel
    page.fatal = []  # what the kernel's worker reports of a fatal error
    page.on("console", lambda message: "fatal error" in message.text
            and page.fatal.append(message.text))
    page.goto(f"{served}/lite/notebooks/index.html?path={path}")
    page.wait_for_function(
        "window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.context", timeout=120_000)
    page.evaluate("async () => { const s = window.jupyterapp.shell.currentWidget.context"
                  ".sessionContext; await s.ready; }")
    first_code = next(s for s in page.evaluate(SOURCES) if s.strip())
    # The notebook's set-up cell installs sweepgrad; a notebook without one gets its line.
    execute(page, first_code if "%pip install sweepgrad" in first_code
            else "%pip install sweepgrad")
    assert execute(page, "import engine, nn; print(engine.__name__)").strip() == "engine"
    return page


def execute(page, code: str) -> str:
    return page.evaluate(EXECUTE, [code, KERNEL_SECONDS])


def run_cell(page, index: int, source: str | None = None) -> list[dict]:
    """Run cell ``index`` (with ``source`` written into it first, if given); its outputs."""
    return page.evaluate(RUN_CELL, [index, source, KERNEL_SECONDS])


def errors_in(cells: list[dict]) -> list[str]:
    return [f"{o['ename']}: {o['evalue']} in {c['source'][:80]!r}"
            for c in cells for o in c["outputs"] if o["output_type"] == "error"]


def test_notebook_02_runs_draws_plays_and_frees_a_long_chain(browser, served):
    context, requests = browser
    page = open_notebook(context, served, "02_the_backward_sweep.ipynb")
    assert execute(page, "import sys; print(sys.platform)").strip() == "emscripten"
    cells = page.evaluate(RUN_ALL_AND_WAIT, KERNEL_SECONDS)
    assert errors_in(cells) == []
    # the drawings were laid out in the page, by Graphviz as WebAssembly
    svgs = [o["data"]["image/svg+xml"] for c in cells for o in c["outputs"]
            if "image/svg+xml" in o.get("data", {})]
    assert svgs and all("<svg" in svg and "<title>" in svg for svg in svgs)
    # the backward player steps
    box = page.locator('.sweepgrad-player[data-mode="backward"]').first
    box.scroll_into_view_if_needed()
    counter = box.locator(".sgp-counter")
    total = counter.text_content().split("/")[1].strip()
    assert counter.text_content() == f"step 0 / {total}"
    box.get_by_role("button", name="one step on").click()
    box.get_by_role("button", name="one step on").click()
    assert counter.text_content() == f"step 2 / {total}"
    assert box.locator("g.sgp-current").count() > 0
    box.screenshot(path=str(ARTIFACTS / "02-player-step-2.png"))
    page.screenshot(path=str(ARTIFACTS / "02-notebook.png"))
    # PNG needs dot, and says so
    assert "needs Graphviz's dot program" in execute(
        page, "from engine import Value, render\n"
              "try:\n    render(Value(1.0), 'x.png')\nexcept Exception as e:\n    print(e)")
    # a 100,000-link chain is built, swept and dropped; the kernel lives on
    freed = execute(page, "from engine import Value\nx = w = Value(0.5)\n"
                          "for _ in range(100_000):\n    x = x * w + 0.1\n"
                          "x.backward()\ngrad = w.grad\ndel x, w\nprint('alive', grad > 0)")
    assert freed.strip() == "alive True"
    assert execute(page, "print(1 + 1)").strip() == "2"
    assert page.fatal == []
    page.close()
    assert_local(requests, served)


WRONG_SWEEP = '''def backward(root: Value) -> None:
    root.grad = 1.0
    for node in reversed(engine_topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = local * node.grad
'''

RIGHT_SWEEP = WRONG_SWEEP.replace("parent.grad = local", "parent.grad += local")


def test_an_exercise_check_names_the_mistake_then_passes(browser, served):
    context, requests = browser
    page = open_notebook(context, served, "exercises/notebooks/graph.ipynb")
    sources = page.evaluate(SOURCES)
    definition = next(i for i, s in enumerate(sources) if s.startswith("def backward("))
    check = next(i for i, s in enumerate(sources) if i > definition and 'check("2.2")' in s)
    imports = next(i for i, s in enumerate(sources) if "import" in s and "check" in s)
    assert errors_in([{"source": sources[imports], "outputs": run_cell(page, imports)}]) == []
    # the released stub is not a solution
    run_cell(page, definition)
    stub_report = text_of(run_cell(page, check))
    assert "Exercise 2.2" in stub_report and "not implemented yet" in stub_report
    run_cell(page, definition, WRONG_SWEEP)
    wrong_report = text_of(run_cell(page, check))
    assert "FAIL  fan-out and x*x" in wrong_report
    assert "Looks like: `=` instead of `+=`" in wrong_report
    assert "ok    a chain 20,000 links deep" in wrong_report  # freed in the browser, too
    page.locator(".jp-Cell").nth(check).screenshot(path=str(ARTIFACTS / "check-wrong.png"))
    run_cell(page, definition, RIGHT_SWEEP)
    right_report = text_of(run_cell(page, check))
    assert "all 5 checks passed" in right_report and "points: 3 of 3" in right_report
    page.locator(".jp-Cell").nth(check).screenshot(path=str(ARTIFACTS / "check-right.png"))
    page.close()
    assert_local(requests, served)


def text_of(outputs: list[dict]) -> str:
    """What the cell showed as text: what it printed, and the plain text of what it displayed
    (check()'s report is displayed, as HTML with a plain-text twin)."""
    texts = [o.get("text", "") if o["output_type"] == "stream"
             else o.get("data", {}).get("text/plain", "") for o in outputs
             if o["output_type"] in ("stream", "display_data", "execute_result")]
    return "".join(t if isinstance(t, str) else "".join(t) for t in texts)


def assert_local(requests: list[str], served: str) -> None:
    """Every request the page made went to the test's server (or stayed in the page)."""
    assert len(requests) > 100
    elsewhere = [url for url in requests
                 if not url.startswith((served + "/", "data:", "blob:"))]
    assert elsewhere == []
