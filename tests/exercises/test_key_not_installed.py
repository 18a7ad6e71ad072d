"""The solution key is not in the installed package.

The wheel built from ``pyproject.toml`` holds no solution-marked source and
no reference body of any exercise; ``sweepgrad exercises release`` reads the
sources from the repository (or a folder the teacher names).
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.app.classroom.release import (
    BEGIN,
    END,
    SOURCE,
    read_notebook,
    source_notebooks,
    source_of,
)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_the_sources_live_outside_the_packages():
    assert SOURCE == ROOT / "notebooks" / "exercises" / "source"
    assert len(source_notebooks()) >= 7
    assert not list((ROOT / "engine").rglob("*.ipynb"))
    assert not list((ROOT / "nn").rglob("*.ipynb"))


def test_the_wheel_holds_no_solution(tmp_path: Path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = tmp_path.glob("sweepgrad-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert not [n for n in names if n.endswith(".ipynb")]
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names
                         if n.endswith((".py", ".txt", ".md", ".json", ".js", ".css")))
    assert not re.search(r"^\s*### BEGIN SOLUTION\s*$", text, re.MULTILINE)
    flat = "\n".join(line.strip() for line in text.splitlines())
    blocks = solution_blocks()
    assert len(blocks) >= 10
    leaked = [block for block in blocks if block in flat]
    assert leaked == [], leaked[:2]


def solution_blocks() -> list[str]:
    """Each reference body of the sources (its lines stripped), three lines or more."""
    blocks = []
    for path in source_notebooks():
        for cell in read_notebook(path)["cells"]:
            lines = source_of(cell).split("\n")
            inside: list[str] | None = None
            for line in lines:
                if line.strip() == BEGIN:
                    inside = []
                elif line.strip() == END and inside is not None:
                    body = [x.strip() for x in inside if x.strip()]
                    if len(body) >= 3:
                        blocks.append("\n".join(body))
                    inside = None
                elif inside is not None:
                    inside.append(line)
    return blocks
