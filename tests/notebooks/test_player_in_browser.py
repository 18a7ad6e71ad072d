"""The sweep player as a student sees it: notebook 02 exported to HTML, in Chromium.

Headless Chromium (Debian's ``chromium``; ``make test`` installs it) driven by
Playwright opens the committed, executed notebook 02 exported by nbconvert,
presses next and play, answers quiz steps, and reads from the page what is
highlighted and what the running sums show. The same page with JavaScript
off must still show the finished sweep. Screenshots are kept in
``test-artifacts/browser/`` (ignored by git) to look at.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbconvert = pytest.importorskip("nbconvert")
sync_api = pytest.importorskip("playwright.sync_api")

from tests.helpers.browser import (  # noqa: E402
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    LAPTOP,
    highlighted,
    in_view,
    key_with_label,
    text_of,
)
from tests.notebooks.execute import NOTEBOOKS_DIR  # noqa: E402

NOTEBOOK = NOTEBOOKS_DIR / "02_the_backward_sweep.ipynb"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium",
                    pytrace=False)
    pytestmark = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make test installs it)")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """Notebook 02, as committed (with its outputs), exported to one HTML file."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    body, _ = nbconvert.HTMLExporter(template_name="lab").from_notebook_node(notebook)
    path = tmp_path_factory.mktemp("export") / "02_the_backward_sweep.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    with sync_api.sync_playwright() as playwright:
        contexts = {}
        for scripts in (True, False):
            contexts[scripts] = playwright.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, args=ARGS,
                headless=True, java_script_enabled=scripts,
                viewport={"width": 1100, "height": 900},
            )
        yield contexts
        for context in contexts.values():
            context.close()


def open_page(browser, exported: Path, scripts: bool = True):
    page = browser[scripts].new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The exported page asks a CDN for MathJax; there is no network here, and no need.
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(exported.as_uri(), wait_until="domcontentloaded")
    return page, errors


def player(page, mode: str):
    return page.locator(f'.sweepgrad-player[data-mode="{mode}"]')


def open_player(browser, exported: Path, mode: str):
    """(page, the player of ``mode`` scrolled into view, the page's script errors)."""
    page, errors = open_page(browser, exported)
    box = player(page, mode)
    box.scroll_into_view_if_needed()
    return page, box, errors


def test_next_highlights_the_visited_node_and_its_edges(browser, exported):
    _, box, errors = open_player(browser, exported, "backward")
    assert box.locator(".sgp-counter").text_content() == "step 0 / 10"
    o, n = key_with_label(box, "o"), key_with_label(box, "n")
    assert text_of(box, f"{o}.grad") == "grad ?"
    box.get_by_role("button", name="one step on").click()
    assert box.locator(".sgp-counter").text_content() == "step 1 / 10"
    # Step 1 visits the output o = tanh(n): o, its tanh and the edge n → tanh light up.
    lit = highlighted(box)
    assert o in lit and f"{o}.e0" in lit and len([k for k in lit if k.startswith("op")]) == 1
    assert text_of(box, f"{o}.grad") == "grad 1"
    assert text_of(box, f"{o}.e0.a") == "0.5 × 1" and text_of(box, f"{o}.e0.b") == "= 0.5"
    assert text_of(box, f"{n}.grad") == "grad 0.5 so far"
    assert "sgp-pending" in box.locator(f'[data-sg="{n}.grad"]').get_attribute("class")
    box.get_by_role("button", name="one step on").click()
    assert n in highlighted(box) and o not in highlighted(box)
    assert text_of(box, f"{n}.grad") == "grad 0.5"
    assert "sgp-caption" in box.locator(".sgp-caption").get_attribute("class")
    assert "the sweep visits 'n'" in box.locator(".sgp-caption").text_content()
    box.screenshot(path=str(ARTIFACTS / "backward-step-2.png"))
    assert not errors


def test_on_a_laptop_the_caption_and_the_lit_edges_are_in_view(browser, exported):
    """At 1280×800, with the player scrolled to the top of the window as a student
    would, every step's caption and highlighted node and edges are on screen, and the
    picture is no wider than the player's column."""
    page, errors = open_page(browser, exported)
    page.set_viewport_size(LAPTOP)
    box = player(page, "backward")
    box.evaluate("e => e.scrollIntoView({block: 'start'})")
    column = box.evaluate("e => e.getBoundingClientRect().width")
    picture = box.locator(".sgp-figure svg")
    assert 300 < picture.evaluate("e => e.getBoundingClientRect().width") <= column
    caption_top = box.locator(".sgp-caption").evaluate("e => e.getBoundingClientRect().top")
    assert caption_top < picture.evaluate("e => e.getBoundingClientRect().top")
    tops = set()
    for step in range(1, 11):
        box.get_by_role("button", name="one step on").click()
        assert box.locator(".sgp-counter").text_content() == f"step {step} / 10"
        assert not in_view(page, box.locator(".sgp-caption")), step
        assert box.locator("g.sgp-current").count() >= 1
        assert not in_view(page, box.locator("g.sgp-current")), step
        tops.add(round(picture.evaluate("e => e.getBoundingClientRect().top")))
        if step == 4:
            page.screenshot(path=str(ARTIFACTS / "laptop-1280x800-step-4.png"))
    assert len(tops) == 1  # the caption keeps its height: the picture never jumps
    assert not errors


def test_play_runs_the_steps_and_pause_stops_them(browser, exported):
    page, box, errors = open_player(browser, exported, "backward")
    box.get_by_role("button", name="play the steps").click()
    page.wait_for_function(
        "box => box.querySelector('.sgp-counter').textContent === 'step 3 / 10'",
        arg=box.element_handle(), timeout=10_000)
    box.get_by_role("button", name="play the steps").click()  # now a pause button
    stopped = box.locator(".sgp-counter").text_content()
    page.wait_for_timeout(1500)
    assert box.locator(".sgp-counter").text_content() == stopped
    box.get_by_role("button", name="back to the start").click()
    assert box.locator(".sgp-counter").text_content() == "step 0 / 10"
    box.locator(".sgp-slider").fill("10")
    assert box.locator(".sgp-counter").text_content() == "step 10 / 10"
    box.screenshot(path=str(ARTIFACTS / "backward-finished.png"))
    assert not errors


def test_quiz_answers_right_and_wrong_and_fills_the_running_sum(browser, exported):
    _, box, errors = open_player(browser, exported, "quiz")
    a = key_with_label(box, "a")
    answer = box.get_by_role("textbox", name="your gradient")
    assert "d(output)/d(" in box.locator(".sgp-prompt").text_content()
    answer.fill("1")  # the output's own gradient
    answer.press("Enter")
    assert box.locator(".sgp-feedback").text_content().startswith("✔ Right")
    # y = a·b + a: y passes 1 to a directly; a's sum has its first term, greyed.
    assert text_of(box, f"{a}.grad") == "grad 1 so far"
    answer.fill("5")  # d y / d(a·b) is 1, not 5
    box.get_by_role("button", name="check").click()
    feedback = box.locator(".sgp-feedback").text_content()
    assert feedback.startswith("✘ Not quite (you typed 5). The gradient is 1 = 1 × 1")
    assert box.locator(".sgp-tally").text_content() == "1 of 2 right"
    # a·b passed b = -2 to a: the running sum now holds both terms.
    assert text_of(box, f"{a}.sum") == "= 1 - 2"
    assert text_of(box, f"{a}.grad") == "grad -1 so far"
    box.screenshot(path=str(ARTIFACTS / "quiz.png"))
    assert not errors


def test_forward_mode_shows_values_in_topological_order(browser, exported):
    _, box, errors = open_player(browser, exported, "forward")
    o = key_with_label(box, "o")
    for _ in range(3):
        box.get_by_role("button", name="one step on").click()
    shown = box.locator("text[data-sg$='.data']").evaluate_all(
        "els => els.map(e => e.textContent.replace(/\\u00a0/g, ' ').trim())")
    assert sum(1 for text in shown if text != "data ?") == 3
    assert text_of(box, f"{o}.data") == "data ?"
    assert "topological order" in box.locator(".sgp-caption").text_content()
    box.screenshot(path=str(ARTIFACTS / "forward-step-3.png"))
    assert not errors


def test_without_javascript_the_finished_sweep_is_a_still_picture(browser, exported):
    page, _ = open_page(browser, exported, scripts=False)
    box = player(page, "backward")
    box.scroll_into_view_if_needed()
    assert box.locator(".sgp-controls").count() == 0
    assert box.locator(".sgp-static").is_visible()
    still = box.locator("img.sgp-still")
    assert still.is_visible() and 300 < still.evaluate("image => image.naturalWidth") <= 1000
    svg = base64.b64decode(still.get_attribute("src").split(",", 1)[1]).decode("utf-8")
    texts = [t.replace("\u00a0", " ").strip() for t in re.findall(r"<text[^>]*>([^<]*)<", svg)]
    assert "grad 1" in texts and "grad -1.5" in texts and "= -1.5" in texts
    box.screenshot(path=str(ARTIFACTS / "no-javascript.png"))
