"""How each op compiles: its value and its local derivatives as Python text, from the op table.

``engine.compile`` turns a recorded graph into straight-line Python. For every
op it needs what ``Value``'s method computes at run time, written as text with
the fields ``{a}``, ``{b}`` (the operands), ``{out}`` (the node's value),
``{aux}`` and ``{g}`` (the node's gradient). Each ``Rule`` is read from the
op's entry in ``engine.operations``, in the ``FLOATS`` dialect of ``engine.formulas``
that ``Value``'s methods are written in too, so a compiled graph gives the
dynamic engine's numbers bit for bit:

- ``value``: the node's value from its operands;
- ``grads``: for each operand, the contribution ``∂node/∂operand · g`` the
  backward sweep adds to the operand's gradient (``1.0 · g`` is written ``g``,
  a selected zero ``0.0``: both exact);
- ``aux``: a value the derivative needs that is not the output (silu's σ(a)),
  computed once in the forward pass as ``{aux}``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from engine.formulas import FLOAT_NAMES, FLOATS, contribution, literal, render
from engine.operations import Op, op_named

__all__ = ["NAMESPACE", "Rule", "literal", "rule_for"]

# The names generated code may use; every compiled function runs with these globals.
NAMESPACE: dict[str, Any] = FLOAT_NAMES

_FIELDS = {"a": "{a}", "b": "{b}", "out": "{out}", "aux": "{aux}"}


class Rule(NamedTuple):
    """One op as text: value, per-operand gradient contributions, optional auxiliary value."""

    value: str
    grads: tuple[str, ...]
    aux: str | None = None
    op: Op | None = None  # the entry it was read from

    @property
    def arity(self) -> int:
        return len(self.grads)


def rule_of(op: Op) -> Rule:
    """The op's entry as text templates."""
    return Rule(
        render(op.value, FLOATS, _FIELDS),
        tuple(contribution(d, _FIELDS, "{g}") for d in op.derivatives),
        None if op.aux is None else render(op.aux, FLOATS, _FIELDS),
        op,
    )


_RULES: dict[str, Rule | None] = {}


def rule_for(op: str) -> Rule | None:
    """The rule that compiles the op called ``op``, or None for an op the table does not hold."""
    if op in _RULES:
        return _RULES[op]
    entry = op_named(op)
    rule = None if entry is None else rule_of(entry)
    if len(_RULES) > 4096:  # endless exponents: keep the memory bounded
        _RULES.clear()
    _RULES[op] = rule
    return rule
