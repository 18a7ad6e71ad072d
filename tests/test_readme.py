"""The README and the documentation pages (docs/*.md) say what is true.

Every ```python block runs as printed, in order, in one namespace a page, as
a reader following the page top to bottom would run it. A block right under
an ``<!-- not run ... -->`` comment is skipped: the comment says why (a
shortened method, a notebook cell, a file another test runs). Every relative
link, in the README and in every page, names a file of the repository.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- not run[^>]*-->\n)?```python\n(.*?)```", re.DOTALL)
# [text](target) and ![alt](target); a target ends at a space (before a title) or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"^```.*?^```|`[^`\n]*`", re.DOTALL | re.MULTILINE)

# What some pages must print or write when their blocks run, so that a block
# that silently stops doing its job fails here.
PRINTS = {
    "README.md": ["0.7071"],
    "engine.md": ["0.7071"],
    "derivatives.md": ["dL/dh ="],  # the hook printed during the sweep
}
WRITES = {"drawing.md": ["neuron.pdf", "neuron.svg"]}


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def blocks(page: Path) -> list[tuple[int, str, bool]]:
    """(line number, code, run?) of every Python block of a page."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(2)) + 1, match.group(2), match.group(1) is None)
            for match in BLOCK.finditer(text)]


def links(page: Path) -> list[str]:
    """The link targets of a page, outside code blocks."""
    text = CODE.sub("", page.read_text(encoding="utf-8"))
    return LINK.findall(text)


def test_the_readme_is_a_short_front_page_with_a_picture_first():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    first = [line for line in text.splitlines() if line.strip()][:2]
    assert first[0].startswith("# ") and first[1].startswith("![")
    for heading in ("## Students", "## Teachers", "## Contributors"):
        assert heading in text
    assert "docs/index.md" in links(README)


def test_the_pages_have_python_blocks_and_most_of_them_run():
    found = [block for page in PAGES for block in blocks(page)]
    assert len(found) >= 15
    assert sum(run for _, _, run in found) >= len(found) - 4


@pytest.mark.skipif(shutil.which("dot") is None, reason="the drawing blocks need Graphviz's dot")
@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_python_block_runs_as_printed(page: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # blocks that render write their files here
    monkeypatch.setenv("SWEEPGRAD_PROGRESS", "0")
    namespace: dict = {"__name__": "readme"}
    for line, code, run in blocks(page):
        if not run:
            continue
        try:
            exec(compile(code, f"{relative(page)}, block at line {line}", "exec"), namespace)
        except Exception as error:  # name the block, then fail with its error
            pytest.fail(f"{relative(page)}, the block at line {line} fails: "
                        f"{type(error).__name__}: {error}")
    out = capsys.readouterr().out
    for printed in PRINTS.get(page.name, []):
        assert printed in out, f"{relative(page)} should print {printed!r}"
    assert sorted(os.listdir(tmp_path)) == WRITES.get(page.name, [])


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_relative_link_names_a_file_of_the_repository(page: Path):
    checked = 0
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # another site, or a heading of this page
        path = (page.parent / unquote(target.split("#", 1)[0])).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), \
            f"{relative(page)} links to {target}, which is not in the repository"
        checked += 1
    assert checked or page.name != "README.md"


def test_the_link_reader_finds_links_and_images_but_not_code():
    page_text = "[a](docs/a.md) ![b](images/b.png \"title\") `[c](x)`\n```sh\n[d](e.md)\n```\n"
    text = CODE.sub("", page_text)
    assert LINK.findall(text) == ["docs/a.md", "images/b.png"]


def test_the_index_lists_every_page():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    listed = {Path(target).name for target in links(ROOT / "docs" / "index.md")}
    unlisted = [page.name for page in PAGES[1:] if page.name not in listed | {"index.md"}]
    assert not unlisted, f"docs/index.md does not link {', '.join(unlisted)}"
    assert index.startswith("# ")


def test_the_readme_picture_is_a_png_that_fits_a_column():
    target = links(README)[0]
    picture = (ROOT / target).read_bytes()
    assert target.endswith(".png") and picture[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(picture[16:20], "big")
    assert 600 <= width <= 1000


def shell_lines(page: Path) -> list[str]:
    """The commands of a page's ```sh blocks, without their comments."""
    text = page.read_text(encoding="utf-8")
    return [line.split(" #", 1)[0].strip()
            for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
            for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_sweepgrad_commands_run_as_printed(tmp_path: Path):
    """Students' and teachers' commands, in order, in a folder of their own; a class
    of one student, who handed in the key, waits in submissions/."""
    import subprocess
    import sys

    commands = [line for line in shell_lines(README) if line.startswith("sweepgrad ")]
    assert len(commands) >= 6
    script = Path(sys.executable).with_name("sweepgrad")
    env = {**os.environ, "SWEEPGRAD_PROGRESS": "0"}
    listed = 0
    for command in commands:
        if command.startswith("sweepgrad grade"):
            shutil.copytree(tmp_path / "key" / "modules", tmp_path / "submissions" / "alice")
        words = command.split()
        result = subprocess.run([str(script), *words[1:]], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=600)
        starters = words[1] == "check"  # a fresh release: every exercise still to write
        assert result.returncode == (1 if starters else 0), \
            f"{command}: exit {result.returncode}\n{result.stdout[-2000:]}{result.stderr}"
        assert "Traceback" not in result.stderr
        if words[1:3] == ["exercises", "list"]:
            listed = len(re.findall(r"^\d+\.\d+ ", result.stdout, re.MULTILINE))
    from engine.app.classroom import EXERCISES

    assert listed == len(EXERCISES) >= 17
    passed = (tmp_path / "grades.csv").read_text(encoding="utf-8").count(",passed,")
    assert passed == len(EXERCISES)
