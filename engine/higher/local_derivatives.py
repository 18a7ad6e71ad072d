"""Every op's local derivatives as nodes, so that a gradient can be a graph.

Each op records its local derivatives as numbers: all the first-order sweep
needs. To differentiate a gradient again (second derivatives, Hessians), the
gradient must itself be built from ops, so ``engine.grad(...,
create_graph=True)`` asks for each local derivative as a ``Value`` made from
the node (``out``) and its operands. They are the op table's own formulas
(``engine.operations``), written in the ``VALUES`` dialect of ``engine.formulas``:
tanh's (1 − out)(1 + out) becomes the nodes ``(1.0 - out) * (1.0 + out)``.

Each expression is the one the op computes its number with, operation for
operation, so a gradient built from them has exactly the value the
first-order sweep gives. The IEEE rules (``engine.ieee``) carry over: a
selected zero stays the number ``SELECTED_ZERO`` (nothing flows through it,
so its derivative is 0 too, as in PyTorch), and where 1/b overflows the
local derivative is ``DivideBy(b)``, which the gradient applies as g / b.
Piecewise-constant slopes (relu's 1 or 0, abs's sign, maximum's 1, ½ or 0)
are the numbers the op recorded: their derivative is 0 away from their
kinks, and PyTorch's at them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from engine import ieee
from engine.formulas import VALUES, reads, render
from engine.naming import node_name
from engine.operations import OPS, Op, op_named
from engine.value import Value


class DivideBy(NamedTuple):
    """The local derivative 1/b, applied as a division: g/b (``ieee.Reciprocal`` as a graph)."""

    denominator: Value


Local = Value | float | DivideBy
Rule = Callable[..., tuple[Local, ...]]


def over(b: Value) -> Value | DivideBy:
    """1/b as a local derivative: the node 1/b, or a division by b where 1/b overflows."""
    if isinstance(ieee.reciprocal(b.data), ieee.Reciprocal):
        return DivideBy(b)
    return 1.0 / b


# --- the rules, from the op table ------------------------------------------------------
# Each rule takes the node, then its operands, and returns one local derivative per
# operand; it is written out from the op's entry and compiled once.

_NAMES: dict[str, Any] = {"over": over, "SELECTED_ZERO": ieee.SELECTED_ZERO}


def rule_source(op: Op) -> str:
    """The Python of ``op``'s rule: its derivative formulas on Values (``rule``, compiled)."""
    operands = ", ".join(("a", "b")[: op.arity])
    lines = [f"def rule(out, {operands}):"]
    if op.aux is not None and any(reads(d, "aux") for d in op.derivatives):
        lines.append(f"    aux = {render(op.aux, VALUES, {})}")
    if any(op.recorded):
        lines.append("    recorded = out.local_grads")
    local = [f"recorded[{i}]" if fixed else render(d, VALUES, {})
             for i, (d, fixed) in enumerate(zip(op.derivatives, op.recorded))]
    lines.append(f"    return ({', '.join(local)},)")
    return "\n".join(lines)


def _compiled(op: Op) -> Rule:
    namespace = dict(_NAMES)
    exec(compile(rule_source(op), f"<engine.operations {op.name} local derivatives>", "exec"),
         namespace)
    rule: Rule = namespace["rule"]
    rule.__doc__ = op.math
    rule.op = op  # type: ignore[attr-defined]  # the entry it came from
    return rule


# By op name; the ops whose name carries a constant (``**3``) get theirs on first use.
RULES: dict[str, Rule] = {name: _compiled(op) for name, op in OPS.items()}


def rule_for(name: str) -> Rule | None:
    """The rule of the op called ``name``, or None for an op the table does not hold."""
    rule = RULES.get(name)
    if rule is None:
        op = op_named(name)
        if op is None:
            return None
        rule = RULES[name] = _compiled(op)
    return rule


def local_derivatives(node: Value) -> tuple[Local, ...]:
    """∂node/∂parent for each parent, as nodes (or constants): see the module docstring."""
    rule = rule_for(node.op) if isinstance(node.op, str) else None
    if rule is None:
        raise ValueError(
            f"create_graph=True: no derivative rule for op {node.op!r} of {node_name(node)}. "
            "A gradient that can be differentiated again builds each local derivative from "
            "the engine's ops (engine.operations); a node built by hand does not say how. Its "
            "first derivatives need no rule: use create_graph=False."
        )
    return rule(node, *node.parents)
