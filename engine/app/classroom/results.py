"""What running the checks gives: one ``CheckResult`` per check, one
``ExerciseResult`` per exercise, and how a report reads.

A failed check carries the words a teaching assistant would say: first what
it observed (which node, weight, layer or step, expected and actual), then
the named mistake it looks like (``engine.app.classroom.mistakes``) when the
numbers single one out, or the candidates when two or more remain, and a
hint written for the exercise at hand.
Results travel between processes as plain dicts (``to_dict``/``from_dict``),
so the grader's workers send exactly what a notebook shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from html import escape

from engine.app.classroom.mistakes import Mistake

STATUSES = ("passed", "failed", "error", "timeout", "missing")


class CheckFailed(Exception):
    """Raised by a check: ``detail`` says what differs, ``mistake`` what it looks like.

    Name a ``mistake`` only when the student's numbers equal that mistake's on
    inputs where the possible mistakes differ; when several remain, give them
    as ``candidates`` instead. ``hint`` replaces the exercise's hint for it.
    """

    def __init__(self, detail: str, mistake: Mistake | None = None, hint: str | None = None,
                 candidates: tuple[Mistake, ...] = ()):
        super().__init__(detail)
        self.detail = detail
        self.mistake = mistake
        self.hint = hint
        self.candidates = tuple(candidates)


@dataclass
class CheckResult:
    """One check of one exercise."""

    name: str
    passed: bool
    detail: str = ""
    mistake: str = ""  # the mistake's key, "" when none was recognised
    mistake_name: str = ""
    why: str = ""
    hint: str = ""
    candidates: list[str] = field(default_factory=list)  # names, when no one mistake fits

    def diagnosis(self) -> str:
        """"Looks like: … Why." or "Could be: … or …", "" when nothing was recognised."""
        if self.mistake_name:
            # "the sweep …" → "The sweep …", but "backward() adds …" and "δ = …" stay
            plain = re.match(r"[a-z]+[ ,]", self.why)
            why = self.why[:1].upper() + self.why[1:] if plain else self.why
            return f"Looks like: {self.mistake_name}. {why}."
        if self.candidates:
            return f"Could be: {', or '.join(self.candidates)}."
        return ""

    def lines(self) -> list[str]:
        """The report's lines for this check (indented by the caller): what was
        observed first, then what it looks like, then the hint."""
        if self.passed:
            return [f"ok    {self.name}"]
        out = [f"FAIL  {self.name}"]
        out += [f"      {text}" for text in (self.detail, self.diagnosis()) if text]
        if self.hint:
            out.append(f"      Hint: {self.hint}")
        return out

    @classmethod
    def failure(cls, name: str, error: CheckFailed, hints: Mapping[str, str] | None = None
                ) -> CheckResult:
        """The result of a failed check; the hint is the check's own, else the
        exercise's for this mistake (``hints``, by key), else the mistake's."""
        mistake = error.mistake
        hint = error.hint
        if hint is None and mistake is not None:
            hint = (hints or {}).get(mistake.key, mistake.hint)
        return cls(
            name, False, error.detail,
            mistake.key if mistake else "", mistake.name if mistake else "",
            mistake.why if mistake else "", hint or "",
            [c.name for c in error.candidates if c is not mistake],
        )


@dataclass
class ExerciseResult:
    """An exercise of one submission: status, points and every check."""

    exercise: str
    title: str
    status: str  # one of STATUSES
    points: float
    max_points: float
    message: str
    files: list[str] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def mistakes(self) -> list[str]:
        """The keys of the mistakes its failed checks were diagnosed as."""
        return [c.mistake for c in self.checks if not c.passed and c.mistake]

    def report(self) -> str:
        """A short text report: a header, then each check and what went wrong."""
        done = sum(c.passed for c in self.checks)
        where = f" ({', '.join(self.files)})" if self.files else ""
        head = f"Exercise {self.exercise} {self.title}{where}: "
        if self.status == "passed":
            head += f"all {len(self.checks)} checks passed"
        elif self.message.startswith("not implemented yet"):
            head += "not implemented yet"
        elif self.status == "failed" and self.checks:
            head += f"{done} of {len(self.checks)} checks passed"
        else:
            head += f"{self.status}: {self.message}"
        body = [f"  {line}" for c in self.checks for line in c.lines()]
        if self.status == "failed" and self.message.startswith("not implemented yet"):
            body = [f"  {self.message}: write the function, then check again"]
        points = f"  points: {self.points:g} of {self.max_points:g}"
        return "\n".join([head, *body, points])

    def report_html(self) -> str:
        """The report for a notebook: each failure's observation and diagnosis shown, its
        hint folded in a ``<details>`` to open after trying again; every text escaped."""
        text = self.report().split("\n")
        head, points = text[0], text[-1].strip()
        rows = []
        for check in self.checks:
            if check.passed:
                rows.append(f"<li>ok {escape(check.name)}</li>")
                continue
            said = "".join(f"<div>{escape(t)}</div>" for t in (check.detail, check.diagnosis())
                           if t)
            folded = (f"<details><summary>Hint</summary><div>{escape(check.hint)}</div></details>"
                      if check.hint else "")
            rows.append(f"<li><b>FAIL {escape(check.name)}</b>{said}{folded}</li>")
        if not self.checks or self.message.startswith("not implemented yet"):
            rows = [f"<li>{escape(line.strip())}</li>" for line in text[1:-1]]
        return (f'<div class="sweepgrad-report"><p>{escape(head)}</p><ul>{"".join(rows)}</ul>'
                f"<p>{escape(points)}</p></div>")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ExerciseResult:
        checks = [CheckResult(**c) for c in data.get("checks", [])]
        return cls(**{**data, "checks": checks})
