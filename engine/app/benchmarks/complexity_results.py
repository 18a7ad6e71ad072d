"""What one run of the complexity benchmark is: its settings, rows and results.

Data only, and the text table that shows it; measuring is
``complexity.py``'s job, fitting and writing files ``complexity_report.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from engine import format_table as text_table

T = TypeVar("T")

METHODS = ("sweep", "per-edge chain rule", "path enumeration", "finite differences",
           "forward mode")


@dataclass(frozen=True)
class Settings:
    """Sizes and budgets of one run."""

    name: str
    chain_lengths: tuple[int, ...]
    mlp_shapes: tuple[tuple[int, int], ...]  # (width, hidden layers)
    diamond_levels: tuple[int, ...]
    trajectory_lengths: tuple[int, ...]  # steps of the few-inputs, many-outputs family
    work_budget: float  # skip a naive method at a size predicted to need more work
    max_paths: int  # path enumeration refuses more paths than this
    batch_seconds: float  # time calls in batches at least this long
    repeats: int  # batches per measurement (fewer for slow calls)


@dataclass(frozen=True)
class Row:
    """One method at one size of one graph family."""

    family: str
    size: str
    nodes: int  # V
    edges: int  # E
    leaves: int
    parameters: int
    outputs: int  # 1, or the trajectory's steps: each method then fills a Jacobian
    method: str
    products: int | None  # None when skipped
    visits: int | None
    work: int | None
    seconds: float | None  # median over the batches
    best_seconds: float | None  # fastest batch: least disturbed by other work
    repeats: int
    max_difference: float | None  # max |g − g_sweep| / max |g_sweep|
    note: str

    @property
    def graph_size(self) -> int:
        return self.nodes + self.edges

    @property
    def ran(self) -> bool:
        return self.work is not None

    @property
    def measured_work(self) -> int:
        """``work`` of a row that ran (a ValueError for a skipped one)."""
        return self._measured(self.work)

    @property
    def measured_seconds(self) -> float:
        return self._measured(self.seconds)

    @property
    def measured_difference(self) -> float:
        return self._measured(self.max_difference)

    def _measured(self, figure: T | None) -> T:
        if figure is None:
            raise ValueError(f"{self.method} did not run at {self.family} {self.size}: {self.note}")
        return figure


@dataclass
class ComplexityResults:
    """Everything one run measured, fitted and wrote."""

    settings: Settings
    rows: list[Row]
    fits: list[dict[str, Any]]
    notes: list[str]
    files: dict[str, Path]
    seconds: float

    def table(self) -> str:
        """The run as text: per family a table of work and time, then slopes and notes."""
        return format_table(self)



FAMILY_TITLES = {
    "chain": "chain ŷ = a·w_T⋯w_1·x (size: T)",
    "mlp": "network ℓ = (αᵀReLU(W^d⋯ReLU(W¹x)) + b − y)², one sample (size: width x layers)",
    "diamonds": "stacked diamonds z_k = p_k·z_{k−1} + q_k·z_{k−1} (size: n levels)",
    "trajectory": "trajectory x_k = tanh(w·x_{k−1} + b), every x_k an output of (x_0, w, b); "
                  "the Jacobian (size: m steps)",
}
SHORT_NAMES = {
    "sweep": "sweep",
    "per-edge chain rule": "per-edge",
    "path enumeration": "paths",
    "finite differences": "finite diff",
    "forward mode": "forward",
}


def families(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(r.family for r in rows))


def methods(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(r.method for r in rows))


def ran(rows: list[Row], family: str, method: str) -> list[Row]:
    return [r for r in rows if r.family == family and r.method == method and r.ran]


def format_table(results: ComplexityResults) -> str:
    """Per family: work and time of every method at every size; then slopes and notes."""
    rows = results.rows
    parts = [
        f"Complexity benchmark ({results.settings.name} run, {results.seconds:.1f} s). "
        "work = local-derivative products; for finite differences, evaluations of f × E. "
        "Times are per gradient, in ms; '-' marks a size a method skipped (see notes)."
    ]
    for family in families(rows):
        here = [r for r in rows if r.family == family]
        names = methods(here)
        header = ["size", "V+E", "params"]
        for m in names:
            header += [f"{SHORT_NAMES.get(m, m)} work", "ms"]
        header.append("fd error")
        lines = [header]
        for size in dict.fromkeys(r.size for r in here):
            cells = {r.method: r for r in here if r.size == size}
            first = next(iter(cells.values()))
            line = [size, str(first.graph_size), str(first.parameters)]
            for m in names:
                r = cells[m]
                line += ([f"{r.measured_work:,}", f"{1e3 * r.measured_seconds:.3g}"] if r.ran
                         else ["-", "-"])
            fd = cells.get("finite differences")
            line.append(f"{fd.max_difference:.1e}" if fd is not None and fd.ran else "-")
            lines.append(line)
        parts.append(FAMILY_TITLES.get(family, family) + "\n" + text_table(lines[0], lines[1:]))
    slope_lines = [["family", "method", "work slope", "R²", "time slope", "R²", "sizes",
                    "max diff"]]
    for fit in results.fits:
        done = ran(rows, fit["family"], fit["method"])
        difference = max(r.measured_difference for r in done)
        slope_lines.append([fit["family"], fit["method"], f"{fit['work_slope']:.3f}",
                            f"{fit['work_r_squared']:.4f}", f"{fit['time_slope']:.3f}",
                            f"{fit['time_r_squared']:.4f}", str(fit["sizes"]),
                            f"{difference:.1e}"])
    parts.append("Fitted log-log slopes against E+V (least squares); max diff: largest "
                 "|g − g_sweep| / max|g_sweep| over the sizes\n"
                 + text_table(slope_lines[0], slope_lines[1:], left_columns=2))
    parts.append("Notes\n" + "\n".join(
        note if note.startswith("  ") else f"- {note}" for note in results.notes))
    return "\n\n".join(parts)


