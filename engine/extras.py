"""Optional dependencies, each named by the pip extra that installs it.

The core needs numpy, tqdm and the ``graphviz`` package only. Plots and GIFs
need the ``plot`` extra (matplotlib, Pillow); a feature that finds its
module missing says so in one line that names the extra, instead of a
``ModuleNotFoundError`` from deep inside, and commands that can go on
without it (``sweepgrad demo``, ``sweepgrad train``) ask ``available`` first
and leave that part out.
"""

from __future__ import annotations

import importlib.util

# module imported -> (what pip calls it, the extra that installs it)
EXTRAS = {
    "matplotlib": ("matplotlib", "plot"),
    "PIL": ("Pillow", "plot"),
}


class MissingExtra(ImportError):
    """A feature's optional dependency is not installed; the message names the extra."""


def install_hint(module: str) -> str:
    """``pip install 'sweepgrad[plot]'`` for ``"matplotlib"``."""
    return f"pip install 'sweepgrad[{EXTRAS[module][1]}]'"


def available(module: str) -> bool:
    """Whether ``module`` (a key of ``EXTRAS``) can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # in sys.modules without a spec: set aside on purpose
        return False


def require(module: str, feature: str) -> None:
    """Raise ``MissingExtra`` naming the extra when ``feature`` cannot have ``module``."""
    if not available(module):
        name, _ = EXTRAS[module]
        raise MissingExtra(f"{feature} needs {name}: {install_hint(module)}", name=module)
