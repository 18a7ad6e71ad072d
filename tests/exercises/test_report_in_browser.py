"""A failed check as a student sees it in Jupyter, in Chromium: what was observed
and the diagnosis shown, the hint folded until the student opens it.

Headless Chromium (Debian's ``chromium``) driven by Playwright opens the HTML
``check()`` displays; screenshots go to ``test-artifacts/report/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import topological_order
from engine.app.classroom.notebook import Report, run_checks

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium",
                    pytrace=False)
    pytestmark = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make test installs it)")


def backward(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = local * node.grad  # `=` where `+=` belongs


def test_the_hint_opens_with_a_click(tmp_path: Path):
    result = run_checks("2.2", {"backward": backward})
    failed = next(c for c in result.checks if not c.passed)
    page_file = tmp_path / "report.html"
    page_file.write_text(f"<!doctype html><meta charset='utf-8'><body>"
                         f"{Report(result)._repr_html_()}</body>", encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(page_file.as_uri())
            text = page.inner_text("body")
            assert "Exercise 2.2 the backward sweep" in text
            assert "Looks like: `=` instead of `+=`" in text
            assert "it kept one contribution" in text
            hint = page.locator("details").first
            assert hint.locator("summary").inner_text() == "Hint"
            assert not hint.get_attribute("open")
            hidden = page.get_by_text(failed.hint).first
            assert not hidden.is_visible()
            page.screenshot(path=str(ARTIFACTS / "folded.png"), full_page=True)
            hint.locator("summary").click()
            assert hidden.is_visible()
            page.screenshot(path=str(ARTIFACTS / "opened.png"), full_page=True)
        finally:
            browser.close()
