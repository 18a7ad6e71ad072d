"""A flat tape: a recorded graph as op codes and operand indices, replayed by one loop.

``engine.compile`` writes most graphs as straight-line Python (``engine.compiler.codegen``),
which runs at the plain-float floor, and whose cost is CPython compiling each
distinct line (about 10 µs a line, and some 200 bytes of code objects a node).
Graphs with repeated shapes (a chain's links, a batch's examples) share their
lines and pay that once. A graph with no repeated shapes shares nothing, and
for it the compiler records a tape instead: per op one byte of code and two
operand indices (9 bytes an op; a constant takes 8), replayed by a loop that
calls one small function per op. Every op's functions are written once per process, from the
same rules in ``engine.compiler.rules`` that the straight-line code uses, so
the tape gives the same numbers, bit for bit::

    forward, op k:   V[k] = value(V[a], V[b])           V: inputs, constants, then ops
    backward, op k:  G[a] += ∂k/∂a · G[k];  G[b] += ∂k/∂b · G[k]   (k from last to first)

That is the sweep of ``engine.backward`` on plain floats: the same order of
nodes and, within a node, of its operands, so every gradient sums its
contributions in the sweep's order. A unary op's second operand is its
first, never read. Ops whose operands need no gradient get no backward
function, and an op that depends on no input none at all.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

from engine.compiler.plan import Plan, Templates, templates
from engine.compiler.rules import NAMESPACE, literal
from engine.ieee import same_float

Forward = Callable[[float, float], float]
Backward = Callable[[list[float], int, int, float, float, float, float], None]

# Per op name and (for backward) which operands need a gradient, made once.
_FORWARD: dict[str, Forward] = {}
_BACKWARD: dict[tuple[str, bool, bool], Backward | None] = {}


def _function(text: str, name: str) -> Callable[..., Any]:
    """The function ``step`` that ``text`` defines, with the generated code's names."""
    namespace = dict(NAMESPACE)
    exec(compile(text, f"<sweepgrad.tape {name}>", "exec"), namespace)
    step: Callable[..., Any] = namespace["step"]
    return step


def _forward(op: str, rule: Templates) -> Forward:
    """``step(a, b)``: the op's value from its operands (the rule's ``value``)."""
    function = _FORWARD.get(op)
    if function is None:
        lines = ["def step(a, b):"]
        if rule.aux is not None:
            lines.append(f"    aux = {rule.aux('a', 'b', '', '', '')}")
        lines.append(f"    return {rule.value('a', 'b', '', '', 'aux')}")
        function = _FORWARD[op] = _function("\n".join(lines), op)
    return function


def _backward(op: str, rule: Templates, needs: tuple[bool, ...]) -> Backward | None:
    """``step(G, i, j, a, b, out, g)``: adds the op's contributions to the operands'
    gradients ``G[i]``, ``G[j]`` that need one (the rule's ``grads``); None if none does."""
    key = (op, needs[0], len(needs) > 1 and needs[1])
    if key in _BACKWARD:
        return _BACKWARD[key]
    adds = [
        f"    G[{target}] += {template('a', 'b', 'g', 'out', 'aux')}"
        for target, template, need in zip("ij", rule.grads, needs)
        if need
    ]
    function = None
    if adds:
        lines = ["def step(G, i, j, a, b, out, g):"]
        if rule.aux is not None and rule.reads_out:
            lines.append(f"    aux = {rule.aux('a', 'b', '', '', '')}")
        function = _function("\n".join(lines + adds), f"{op} backward")
    _BACKWARD[key] = function
    return function


_HEADER = """\
# sweepgrad.compile: {nodes} nodes, {edges} edges, recorded as a tape of {ops} ops
# (engine.compiler.tape), which a loop replays; this is its work written as Python.
# v = a node's value, g = d(root)/d(node); v0 ... are the {inputs} input(s), then
# the constants, then the ops. Every g starts at 0.0.

"""


class Tape:
    """A graph as a tape: ``run(values)`` replays it at the inputs' values."""

    mode = "tape"
    parts = 0  # no generated functions
    functions = 0

    __slots__ = ("_codes", "_left", "_right", "_forwards", "_backwards", "_constants",
                 "_kinds", "_inputs", "_root", "_outputs", "nodes", "edges")

    def __init__(self, plan: Plan) -> None:
        order, positions, rules, parents = plan.order, plan.positions, plan.rules, plan.parents
        count = len(order)
        inputs = len(positions)
        self.nodes = count
        self.edges = sum(map(len, parents))
        # Tape numbers: the inputs in their order, then the constants, then the ops.
        number = [0] * count
        constants = array("d")
        ops = []
        for i, node in enumerate(order):
            if rules[i] is None:
                if node in positions:
                    number[i] = positions[node]
                else:
                    number[i] = inputs + len(constants)
                    constants.append(node.data)
            else:
                ops.append(i)
        first_op = inputs + len(constants)
        for k, i in enumerate(ops):
            number[i] = first_op + k
        needs = plan.needs

        kinds: dict[tuple[str, bool, bool], int] = {}
        forwards: list[Forward] = []
        backwards: list[Backward | None] = []
        kind_keys: list[tuple[str, bool, bool]] = []
        codes: list[int] = []
        a, b = array("i"), array("i")
        for i in ops:
            node, rule, mine = order[i], rules[i], parents[i]
            assert rule is not None
            operand_needs = tuple(needs[i] and needs[j] for j in mine)
            key = (node.op, operand_needs[0], len(mine) > 1 and operand_needs[1])
            code = kinds.get(key)
            if code is None:
                code = kinds[key] = len(forwards)
                forwards.append(_forward(node.op, rule))
                backwards.append(_backward(node.op, rule, operand_needs))
                kind_keys.append(key)
            codes.append(code)
            a.append(number[mine[0]])
            b.append(number[mine[-1]])
        # One byte an op while there are at most 256 kinds (ops × which operands need
        # a gradient), else two.
        self._codes = bytes(codes) if len(forwards) <= 256 else array("H", codes)
        self._left, self._right = a, b
        self._forwards, self._backwards = tuple(forwards), tuple(backwards)
        self._kinds = tuple(kind_keys)
        self._constants = constants
        self._inputs = inputs
        self._root = number[count - 1]
        self._outputs = [number[i] for i in plan.outputs]

    @property
    def source(self) -> str:
        """The tape's work written as the Python it stands for (``listing``)."""
        return _HEADER.format(nodes=self.nodes, edges=self.edges, ops=len(self),
                              inputs=self._inputs) + self.listing()

    def describe(self) -> str:
        return "a tape"

    def run(self, inputs: list[float]) -> tuple[float, list[float], list[float]]:
        """(root's value, gradients of the inputs, outputs' values) at ``inputs``."""
        values = [*inputs, *self._constants]  # then every op's value, in order
        append = values.append
        forwards = self._forwards
        for code, i, j in zip(self._codes, self._left, self._right):
            append(forwards[code](values[i], values[j]))
        grads = [0.0] * len(values)
        grads[self._root] = 1.0
        backwards = self._backwards
        k = len(values)
        for code, i, j in zip(reversed(self._codes), reversed(self._left), reversed(self._right)):
            k -= 1
            step = backwards[code]
            if step is not None:
                step(grads, i, j, values[i], values[j], values[k], grads[k])
        return values[self._root], grads[: self._inputs], [values[s] for s in self._outputs]

    def difference(self, plan: Plan) -> str | None:
        """How the tape of ``plan`` (a graph built again) differs from this one, or None."""
        other = Tape(plan)
        if len(self._codes) != len(other._codes) or self._inputs != other._inputs:
            return (f"the graph changed size: {len(self._codes)} ops and {self._inputs} "
                    f"inputs compiled, {len(other._codes)} and {other._inputs} now")
        for k, (mine, theirs) in enumerate(zip(self._constants, other._constants)):
            if not same_float(mine, theirs):
                return f"constant {k} was {mine!r}, is {theirs!r} now"
        if len(self._constants) != len(other._constants):
            return "the number of constants changed"
        first = self._inputs + len(self._constants)
        for k in range(len(self._codes)):
            mine_op, theirs_op = self._kinds[self._codes[k]][0], other._kinds[other._codes[k]][0]
            if ((mine_op, self._left[k], self._right[k])
                    != (theirs_op, other._left[k], other._right[k])):
                return (f"op {first + k} was {self._line(k)!r}, is {other._line(k)!r} now")
        return None

    def listing(self) -> str:
        """The tape's work written as the Python it stands for: ``v`` values, ``g`` gradients."""
        first = self._inputs + len(self._constants)
        lines = [f"v{s} = V[{s}]" for s in range(self._inputs)]
        lines += [f"v{self._inputs + k} = {literal(x)}" for k, x in enumerate(self._constants)]
        lines += [self._line(k) for k in range(len(self._codes))]
        lines += ["yield", f"g{self._root} = 1.0"]
        for k in range(len(self._codes) - 1, -1, -1):
            step = self._backwards[self._codes[k]]
            if step is None:
                continue
            op, need_a, need_b = self._kinds[self._codes[k]]
            i, j, out = self._left[k], self._right[k], first + k
            rule = _rule(op)
            for target, template, need in zip((i, j), rule.grads, (need_a, need_b)):
                if need:
                    contribution = template(f"v{i}", f"v{j}", f"g{out}", f"v{out}", f"aux{out}")
                    lines.append(f"g{target} += {contribution}")
        return "\n".join(lines) + "\n"

    def _line(self, k: int) -> str:
        first = self._inputs + len(self._constants)
        op, i, j, out = self._kinds[self._codes[k]][0], self._left[k], self._right[k], first + k
        rule = _rule(op)
        value = rule.value(f"v{i}", f"v{j}", "", "", f"aux{out}")
        if rule.aux is None:
            return f"v{out} = {value}"
        return f"aux{out} = {rule.aux(f'v{i}', f'v{j}', '', '', '')}; v{out} = {value}"

    def __len__(self) -> int:
        return len(self._codes)


def _rule(op: str) -> Templates:
    rule = templates(op)
    assert rule is not None  # the tape holds only ops that had a rule
    return rule

