"""The documentation pages: no broken link, and an API entry for every public name."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import engine
import nn

pytestmark = pytest.mark.slow

NEED_NUMPY_OR_MATPLOTLIB = {"03", "04", "06", "07", "08", "11", "12"}


class Links(HTMLParser):
    """The href/src links and the ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif (tag, name) in (("a", "href"), ("img", "src"), ("link", "href"),
                                 ("script", "src")):
                self.links.append(value)


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def pages(site: Path) -> list[Path]:
    """Our pages: every HTML file but JupyterLite's own."""
    return [p for p in site.rglob("*.html") if "lite" not in p.relative_to(site).parts[:1]]


def broken_links(site: Path) -> list[str]:
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in pages(site):
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "javascript:")):
                continue  # another site, or not a file: not ours to check here
            base = site if parts.path.startswith("/") else page.parent  # "/": the site's root
            target = (base / unquote(parts.path).lstrip("/")).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
                continue
            for notebook in parse_qs(parts.query).get("path", []):  # JupyterLite's ?path=
                if not (site / "lite" / "files" / notebook).is_file():
                    broken.append(f"{page.relative_to(site)}: {link} (no such notebook)")
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = parse(target).ids
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken


def test_no_page_links_to_a_missing_file_or_anchor(built_site):
    assert len(pages(built_site)) > 25
    assert broken_links(built_site) == []


def test_the_link_check_finds_a_broken_link(built_site, tmp_path):
    page = built_site / "docs" / "broken-for-the-test.html"
    page.write_text('<a href="engine.html#no-such-anchor">x</a><a href="nowhere.html">y</a>'
                    '<a href="../lite/notebooks/index.html?path=99_missing.ipynb">z</a>')
    try:
        found = broken_links(built_site)
    finally:
        page.unlink()
    assert [line.split(": ", 1)[1] for line in found] == [
        "engine.html#no-such-anchor (no such anchor)", "nowhere.html",
        "../lite/notebooks/index.html?path=99_missing.ipynb (no such notebook)"]


def test_the_api_reference_has_every_public_name(built_site):
    ids = parse(built_site / "docs" / "api.html").ids
    expected = [f"engine.{name}" for name in engine.__all__ if not name.startswith("__")]
    expected += [f"nn.{name}" for name in nn.__all__ if not name.startswith("__")]
    assert [name for name in expected if name not in ids] == []
    # with its docstring: the Value entry explains itself
    text = (built_site / "docs" / "api.html").read_text(encoding="utf-8")
    assert re.search(r'id="engine\.Value".*?computation graph', text, re.S)


def test_every_notebook_page_links_to_run_it_in_the_browser(built_site):
    notebooks = sorted((Path(engine.__file__).parents[1] / "notebooks").glob("[0-9]*.ipynb"))
    for notebook in notebooks:
        page = (built_site / "notebooks" / notebook.name).with_suffix(".html")
        html = page.read_text(encoding="utf-8")
        assert f"../lite/notebooks/index.html?path={notebook.name}" in html, page.name
        assert "Run it in your browser" in html
        # The notebooks that plot or use numpy (the list), and no other, say so.
        says_cdn = "Pyodide loads from its own servers" in html
        assert says_cdn == (notebook.name[:2] in NEED_NUMPY_OR_MATPLOTLIB), page.name
        assert (built_site / "lite" / "files" / notebook.name).is_file()
    # the released exercises, without solutions
    released = built_site / "lite" / "files" / "exercises"
    assert (released / "notebooks" / "graph.ipynb").is_file()
    assert "### BEGIN SOLUTION" not in (released / "notebooks" / "graph.ipynb").read_text()
