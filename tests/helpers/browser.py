"""Headless Chromium for the page tests: how it is launched, and reading the player off a page.

Debian's ``chromium`` (``make test`` installs it), driven by Playwright with
``executable_path``; screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def highlighted(box) -> list[str]:
    """The data-sg keys of the SVG groups the player highlights now."""
    return box.locator("g.sgp-current").evaluate_all(
        "els => els.map(e => e.getAttribute('data-sg'))")


def text_of(box, key: str) -> str:
    return box.locator(f'[data-sg="{key}"]').first.text_content().replace("\u00a0", " ").strip()


def key_with_label(box, label: str) -> str:
    """The data-sg key of the value node whose table shows ``label``."""
    return box.locator("g[data-sg^=v]").evaluate_all(
        "(els, label) => els.filter(e => !e.getAttribute('data-sg').includes('.') &&"
        " [...e.querySelectorAll('text')].some(t => t.textContent === label))"
        ".map(e => e.getAttribute('data-sg'))[0]", label)


LAPTOP = {"width": 1280, "height": 800}


def in_view(page, locator) -> list[str]:
    """What of ``locator``'s elements lies outside the window (empty: all in view)."""
    return locator.evaluate_all(
        "(els, h) => els.map(e => [e.getAttribute('data-sg') || e.className.baseVal"
        " || e.className, e.getBoundingClientRect()])"
        ".filter(([, r]) => r.top < 0 || r.bottom > h || r.left < 0 || r.right > innerWidth)"
        ".map(([name, r]) => `${name}: ${Math.round(r.top)}..${Math.round(r.bottom)}`)",
        page.viewport_size["height"])
