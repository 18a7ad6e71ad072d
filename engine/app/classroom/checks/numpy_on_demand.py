"""numpy for the checks that need it, imported when a check first uses it.

Chapters 6 and 9 work with numpy arrays; the others do not. Their modules
use ``np`` (and ``Array`` in annotations) from here, which imports numpy on
the first attribute read, so
every chapter's checks import without numpy (in the browser, numpy is loaded
from Pyodide's servers only by a notebook that asks for it), and a check
run without numpy fails with ``NEEDS_NUMPY``, saying how to install it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.app.classroom.results import CheckFailed

__all__ = ["NEEDS_NUMPY", "Array", "NumpyOnFirstUse", "np"]

NEEDS_NUMPY = ("this chapter works with numpy arrays and numpy is not installed: "
               "install it (pip install numpy; in JupyterLite run %pip install numpy), "
               "then run the check again")


class NumpyOnFirstUse:
    """Stands for the numpy module; imports it when an attribute is first read."""

    def __getattr__(self, name: str) -> Any:
        try:
            import numpy
        except ModuleNotFoundError:
            raise CheckFailed(NEEDS_NUMPY) from None
        return getattr(numpy, name)


if TYPE_CHECKING:
    import numpy as np

    Array = np.ndarray
else:
    np = NumpyOnFirstUse()
    Array = Any  # only annotations name it, and they are not evaluated
