"""docs pages of the workloads: every ```python block runs as printed, in order, in one
namespace per page, as a reader following the page would run it (as the README's do).

A block right under an ``<!-- not run ... -->`` comment is skipped.
"""

import re
import shutil
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"(<!-- not run[^>]*-->\n)?```python\n(.*?)```", re.DOTALL)
PAGES = ["compat.md", "workloads.md"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="the drawing blocks need Graphviz's dot")
@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_of_the_page_runs_as_printed(page, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SWEEPGRAD_PROGRESS", "0")
    text = (DOCS / page).read_text(encoding="utf-8")
    found = [(text.count("\n", 0, m.start(2)) + 1, m.group(2), m.group(1) is None)
             for m in BLOCK.finditer(text)]
    assert sum(run for _, _, run in found) >= 3
    namespace: dict = {"__name__": page}
    for line, code, run in found:
        if run:
            try:
                exec(compile(code, f"docs/{page}, block at line {line}", "exec"), namespace)
            except Exception as error:
                pytest.fail(f"docs/{page}, the block at line {line} fails: "
                            f"{type(error).__name__}: {error}")
    assert capsys.readouterr().out.strip()
