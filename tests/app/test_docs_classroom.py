"""The classroom page's "write your own exercise" example works as printed."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.commands import run_in

PAGE = Path(__file__).resolve().parents[2] / "docs" / "classroom.md"


def example() -> str:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Write your own exercise", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_example_adds_an_exercise_that_passes_and_fails(tmp_path: Path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "softplus.py").write_text(example(), encoding="utf-8")
    good, naive = tmp_path / "good", tmp_path / "naive"
    good.mkdir()
    naive.mkdir()
    (good / "softplus.py").write_text(
        "import math\n\ndef softplus(a):\n"
        "    s = 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))\n"
        "    return max(a, 0.0) + math.log1p(math.exp(-abs(a))), (s,)\n", encoding="utf-8")
    (naive / "softplus.py").write_text(
        "import math\n\ndef softplus(a):\n"
        "    return math.log(1 + math.exp(a)), (1 / (1 + math.exp(-a)),)\n", encoding="utf-8")
    passed = run_in(good, "check", "11.1", "--extra-checks", str(extra))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    said = "Exercise 11.1 softplus and its slope (softplus.py): all 2 checks passed"
    assert said in passed.stdout
    failed = run_in(naive, "check", "11.1", "--extra-checks", str(extra))
    assert failed.returncode == 1
    assert "Looks like: an unstable sigmoid" in failed.stdout
    assert "softplus(-800) overflows" in failed.stdout
