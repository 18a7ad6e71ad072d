"""The README's Python: every ```python block runs as printed, in order, in one
namespace, as a reader following it top to bottom would run it.

A block right under an ``<!-- not run ... -->`` comment is skipped: the comment
says why (a shortened method, a notebook cell, a file another test runs).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- not run[^>]*-->\n)?```python\n(.*?)```", re.DOTALL)


def blocks() -> list[tuple[int, str, bool]]:
    """(line number, code, run?) of every Python block."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(2)) + 1, match.group(2), match.group(1) is None)
            for match in BLOCK.finditer(text)]


def test_the_readme_has_python_blocks_and_most_of_them_run():
    found = blocks()
    assert len(found) >= 10
    assert sum(run for _, _, run in found) >= len(found) - 4


@pytest.mark.skipif(shutil.which("dot") is None, reason="the drawing blocks need Graphviz's dot")
def test_every_python_block_runs_as_printed(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # blocks that render write their files here
    monkeypatch.setenv("SWEEPGRAD_PROGRESS", "0")
    namespace: dict = {"__name__": "readme"}
    for line, code, run in blocks():
        if not run:
            continue
        try:
            exec(compile(code, f"README.md, block at line {line}", "exec"), namespace)
        except Exception as error:  # name the block, then fail with its error
            pytest.fail(f"README.md, the block at line {line} fails: "
                        f"{type(error).__name__}: {error}")
    out = capsys.readouterr().out
    assert "0.7071" in out  # the first block's o
    assert "dL/dh =" in out  # the hook printed during the sweep
    assert sorted(os.listdir(tmp_path)) == ["neuron.pdf", "neuron.svg"]
