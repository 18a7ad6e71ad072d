"""The sweep player inside JupyterLab itself, served on 127.0.0.1, in Chromium.

A JupyterLab server (its own config, data and settings folders, in a temporary
directory) serves two copies of notebook 02. One is trusted, so its saved
outputs may run their scripts, as they do once a student has run the cells:
the player must step (next highlights the output node and fills in its
gradient). The other is not, as a notebook just downloaded: Jupyter strips
its scripts and inline SVG, and the finished sweep must still show as a
picture.
Screenshots: ``test-artifacts/browser/jupyterlab*.png``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab")

from tests.notebooks.execute import NOTEBOOKS_DIR  # noqa: E402
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

STARTUP_SECONDS = 90
NOTEBOOK = "02_the_backward_sweep.ipynb"
UNTRUSTED = "02_as_downloaded.ipynb"  # the same file, never trusted

if not Path(CHROMIUM).exists():
    pytestmark = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make test installs it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``(url of the notebook, token)`` of a JupyterLab server started for this test."""
    home = tmp_path_factory.mktemp("jupyter")
    root = home / "root"
    root.mkdir()
    shutil.copy(NOTEBOOKS_DIR / NOTEBOOK, root / NOTEBOOK)
    # Trust goes by content: the untrusted copy must differ from the trusted one.
    downloaded = json.loads((NOTEBOOKS_DIR / NOTEBOOK).read_text(encoding="utf-8"))
    downloaded["metadata"]["downloaded"] = True
    (root / UNTRUSTED).write_text(json.dumps(downloaded), encoding="utf-8")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Draw every cell, not only those in view, so the player is in the page to find.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No news or update checks: they would ask the network, and a pop-up would cover the page.
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"}))
    env = dict(os.environ)
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    })
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    subprocess.run([jupyter, "trust", str(root / NOTEBOOK)], env=env, check=True,
                   capture_output=True)
    port, token = free_port(), secrets.token_hex(16)
    command = [jupyter, "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (home / "server.log").read_text()[-2000:], pytrace=False)
                time.sleep(0.5)
        yield f"{base}/lab/tree/{{}}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def chromium(playwright, tmp_path: Path, viewport: dict | None = None):
    """Debian's Chromium, headless, with a fresh profile in ``tmp_path``."""
    return playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
        viewport=viewport or {"width": 1280, "height": 1000},
    )


def test_the_player_steps_inside_jupyterlab(lab, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = chromium(playwright, tmp_path)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(lab.format(NOTEBOOK), wait_until="domcontentloaded")
            box = page.locator('.sweepgrad-player[data-mode="backward"]')
            box.locator(".sgp-controls").wait_for(timeout=60_000)
            box.scroll_into_view_if_needed()
            o = key_with_label(box, "o")
            assert text_of(box, f"{o}.grad") == "grad ?"
            box.get_by_role("button", name="one step on").click()
            assert box.locator(".sgp-counter").text_content() == "step 1 / 10"
            assert o in highlighted(box) and text_of(box, f"{o}.grad") == "grad 1"
            box.screenshot(path=str(ARTIFACTS / "jupyterlab.png"))
            assert not [e for e in errors if "sweepgrad" in e]
        finally:
            context.close()


def test_an_untrusted_notebook_shows_the_finished_sweep_as_a_picture(lab, tmp_path):
    """JupyterLab strips scripts and inline SVG from outputs it does not trust; each player
    keeps its finished picture as an image, which stays."""
    with sync_api.sync_playwright() as playwright:
        context = chromium(playwright, tmp_path)
        try:
            page = context.new_page()
            # reset: a fresh workspace, without the tab the other test left open.
            page.goto(lab.format(UNTRUSTED) + "&reset", wait_until="domcontentloaded")
            stills = page.locator(".sweepgrad-player img.sgp-still")
            stills.first.wait_for(timeout=60_000)
            assert stills.count() == 3  # the backward, forward and quiz players
            assert page.locator(".sweepgrad-player .sgp-controls").count() == 0  # no script ran
            first = stills.first
            first.scroll_into_view_if_needed()
            page.wait_for_function("image => image.complete && image.naturalWidth > 0",
                                   arg=first.element_handle())
            assert 300 < first.evaluate("image => image.naturalWidth") <= 1000
            first.screenshot(path=str(ARTIFACTS / "jupyterlab-untrusted.png"))
        finally:
            context.close()


def test_on_a_laptop_drawings_fit_the_column_and_the_step_is_in_view(lab, tmp_path):
    """JupyterLab at 1280×800: every picture of notebook 02 is no wider than the output
    column it is shown in, and with the player at the top of the notebook's view each
    step's caption and highlighted edges are on screen."""
    with sync_api.sync_playwright() as playwright:
        context = chromium(playwright, tmp_path, LAPTOP)
        try:
            page = context.new_page()
            page.goto(lab.format(NOTEBOOK) + "&reset", wait_until="domcontentloaded")
            box = page.locator('.sweepgrad-player[data-mode="backward"]')
            box.locator(".sgp-controls").wait_for(timeout=60_000)
            pictures = page.locator(".jp-OutputArea-output svg.sgp-svg, "
                                    ".jp-RenderedSVG > svg, .jp-RenderedImage > img")
            assert pictures.count() >= 3
            too_wide = pictures.evaluate_all(
                "els => els.map(e => [e.getBoundingClientRect().width,"
                " e.closest('.jp-OutputArea-output').getBoundingClientRect().width])"
                ".filter(([w, column]) => w < 10 || w > column + 0.5)")
            assert not too_wide, f"(picture, column) widths in px: {too_wide}"
            box.evaluate("e => e.scrollIntoView({block: 'start'})")
            for step in range(1, 11):
                box.get_by_role("button", name="one step on").click()
                assert not in_view(page, box.locator(".sgp-caption")), step
                assert not in_view(page, box.locator("g.sgp-current")), step
                if step == 4:
                    page.screenshot(path=str(ARTIFACTS / "jupyterlab-laptop-step-4.png"))
            assert highlighted(box)
        finally:
            context.close()
