"""The complexity benchmark's picture: work and time against E+V, log-log.

One row of panels per graph family, work on the left and time on the right,
one line per method with its fitted slope in the legend, and two reference
lines of slope 1 and 2 through the sweep's smallest point: on log-log axes a
power law n^k is a straight line of slope k, so the sweep runs parallel to
the first and the naive methods to the second.

matplotlib is imported here, when a plot is drawn, and through its
object-oriented API (``Figure`` and the Agg canvas), so plotting neither
slows ``import engine`` nor changes the pyplot backend of a notebook.
"""

from __future__ import annotations

from pathlib import Path

from engine.app.benchmarks.complexity_results import ComplexityResults, families, methods, ran
from engine.extras import require

PLOT_TITLES = {
    "chain": "chain ŷ = a·w_T⋯w_1·x",
    "mlp": "ReLU network, one sample, squared loss",
    "diamonds": "stacked diamonds (2ⁿ paths)",
    "trajectory": "trajectory: 3 inputs, m outputs (the Jacobian)",
}
STYLES = {
    "sweep": ("tab:blue", "o"),
    "per-edge chain rule": ("tab:red", "s"),
    "path enumeration": ("tab:purple", "^"),
    "finite differences": ("tab:orange", "D"),
    "forward mode": ("tab:green", "v"),
}


def plot_complexity(results: ComplexityResults, path: Path) -> Path:
    """Draw the results into a PNG at ``path`` and return the path."""
    require("matplotlib", "the complexity plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    rows = results.rows
    fits = {(f["family"], f["method"]): f for f in results.fits}
    names = families(rows)
    figure = Figure(figsize=(13, 4.3 * len(names) + 0.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        "Gradient cost against graph size: one backward sweep (slope 1) against the "
        "per-weight methods (slope 2),\nand forward mode, a pass per input: slope 2 with many "
        f"inputs, 1 with three inputs and many outputs; {results.settings.name} run",
        fontsize=14,
    )
    axes = figure.subplots(len(names), 2, squeeze=False)
    for row_axes, family in zip(axes, names, strict=True):
        for ax, quantity in zip(row_axes, ("work", "seconds"), strict=True):
            anchor = None
            for method in methods(rows):
                done = ran(rows, family, method)
                if not done:
                    continue
                xs = [r.graph_size for r in done]
                ys = [getattr(r, quantity) for r in done]
                if method == "sweep":
                    anchor = (xs[0], ys[0], xs[-1])
                fit = fits.get((family, method))
                key = "time_slope" if quantity == "seconds" else "work_slope"
                label = method if fit is None else f"{method} (slope {fit[key]:.2f})"
                skipped = sum(1 for r in rows if r.family == family and r.method == method
                              and not r.ran)
                if skipped:
                    label += f", {skipped} larger size{'s' if skipped > 1 else ''} skipped"
                color, marker = STYLES.get(method, (None, "x"))
                ax.plot(xs, ys, marker=marker, color=color, label=label, linewidth=1.8,
                        markersize=5)
            if anchor is not None:
                x0, y0, x1 = anchor
                for slope, style in ((1, "--"), (2, ":")):
                    ax.plot([x0, x1], [y0, y0 * (x1 / x0) ** slope], style, color="grey",
                            linewidth=1.2, label=f"reference slope {slope}")
            ax.set_xscale("log")
            ax.set_yscale("log")
            # Plain numbers (20, 50, 100) read better than 2×10¹; on a short range
            # label 1-2-5 steps, on a long one the powers of ten only.
            sizes = [r.graph_size for r in rows if r.family == family]
            steps = (1.0, 2.0, 5.0) if max(sizes) / min(sizes) < 100 else (1.0,)
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=steps, numticks=30))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.grid(True, which="major", alpha=0.3)
            ax.set_xlabel("graph size E + V (edges + nodes)", fontsize=11)
            if quantity == "work":
                ax.set_ylabel("work: local-derivative products\n"
                              "(finite differences: f evaluations × E)", fontsize=11)
                ax.set_title(f"{PLOT_TITLES.get(family, family)}\nwork (exact counts)",
                             fontsize=11)
            else:
                ax.set_ylabel("seconds per gradient (median)", fontsize=11)
                ax.set_title(f"{PLOT_TITLES.get(family, family)}\nwall time", fontsize=11)
            ax.legend(fontsize=9, loc="upper left")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
