"""micrograd's API on sweepgrad: ``engine`` (``Value``), ``nn`` (``MLP``...), and the
lecture's ``trace`` and ``draw_dot`` (``lecture_drawing``).

The modules mirror micrograd's, so ``from micrograd.engine import Value``
becomes ``from engine.compat.micrograd.engine import Value`` and ``from
micrograd.nn import MLP`` becomes ``from engine.compat.micrograd.nn import
MLP``; everything is also importable from this package.
"""

from __future__ import annotations

from engine.compat.micrograd.engine import Value
from engine.compat.micrograd.lecture_drawing import draw_dot, trace
from engine.compat.micrograd.nn import MLP, Layer, Module, Neuron

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value", "draw_dot", "trace"]
