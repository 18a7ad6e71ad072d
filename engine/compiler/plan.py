"""The plan: a recorded graph read once into what both back-ends work from.

``read_plan`` walks the topological order once and gives a ``Plan``: each
node's rule (``engine.compiler.rules``, as ``str.format`` templates), its
parents' indices, its *shape* (its op and how far back its parents are),
which nodes need a gradient, and where a big graph's parts start and end.
Everything after reads the plan, never the nodes' slots:

- ``Plan.mode(asked)``: code or tape, chosen once;
- ``boundaries``: where parts start and end. The cuts are content-defined:
  placed where the local shape of the graph says, so repeated shapes (a
  chain's links, a batch's examples) get repeated cuts, and parts with the
  same text are compiled once;
- ``inlined``: the values written into their one use instead of a line of
  their own (``tanh(x0 * x1 + x2)`` for a chain's link).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from engine.compiler.rules import rule_for
from engine.naming import node_name
from engine.node import GENERAL, LEAF, UNARY, Node, operands

# Nodes whose shapes make a node's context, for placing part boundaries.
_WINDOW = 8
_NEAR = 64  # parents further back than this count as "far away" in a node's shape

# A tape is recorded when more than _TAPE_NODES nodes, and more than this
# share of the graph's nodes, are in distinct parts: code for them would take
# over half a second and some 3 MB to compile (measured: 10 µs and 200 bytes a
# node), and replay only two or three times faster than the tape.
_TAPE_NODES = 16_384
_DISTINCT_SHARE = 0.25

# At most this many ops are written into one expression.
_MAX_NESTING = 32


class Templates(NamedTuple):
    """A rule's templates as bound ``str.format`` methods taking (a, b, g, out, aux),
    and which operands each one reads (for writing a value into its one use)."""

    value: Callable[..., str]
    aux: Callable[..., str] | None
    grads: tuple[Callable[..., str], ...]
    plain: tuple[bool, ...]  # the contribution is g itself
    reads: tuple[int, int]  # how often the value (and aux) read operands a and b
    grad_reads: tuple[tuple[bool, bool], ...]  # whether each contribution reads a, b
    reads_out: bool  # whether a contribution reads the node's own value or aux


_FIELDS = ("{a}", "{b}", "{g}", "{out}", "{aux}")


def _positional(template: str) -> Callable[..., str]:
    for number, name in enumerate(_FIELDS):
        template = template.replace(name, f"{{{number}}}")
    return template.format


_TEMPLATES: dict[str, Templates | None] = {}


def templates(op: str) -> Templates | None:
    """The templates of an op by name (None if there is no rule), made once per name."""
    if op in _TEMPLATES:
        return _TEMPLATES[op]
    rule = rule_for(op)
    templates = None
    if rule is not None:
        forward = rule.value + (rule.aux or "")
        templates = Templates(
            _positional(rule.value),
            None if rule.aux is None else _positional(rule.aux),
            tuple(_positional(g) for g in rule.grads),
            tuple(g == "{g}" for g in rule.grads),
            (forward.count("{a}"), forward.count("{b}")),
            tuple(("{a}" in g, "{b}" in g) for g in rule.grads),
            any("{out}" in g or "{aux}" in g for g in rule.grads),
        )
    _TEMPLATES[op] = templates
    return templates


@dataclass
class Plan:
    """A graph as the compiler reads it: per node (by index in ``order``) its rule, its
    parents and its shape; the inputs' positions; the outputs kept; the parts."""

    order: list[Node]
    positions: dict[Node, int]  # input leaf -> its position among the values
    index: dict[Node, int]
    rules: list[Templates | None]  # None for a leaf
    parents: list[list[int]]
    shapes: list[int]
    needs: list[bool]  # whether the node depends on an input, so needs a gradient
    outputs: list[int]  # further nodes whose values are kept
    part_nodes: int
    bounds: list[tuple[int, int]] = field(default_factory=list)

    @property
    def constant(self) -> list[bool]:
        return [rule is None and node not in self.positions
                for rule, node in zip(self.rules, self.order)]

    def mode(self, asked: str) -> str:
        """``"code"`` or ``"tape"`` for the mode asked: ``"auto"`` records a tape where
        the graph is big and its parts mostly differ (``shares_little``)."""
        if asked != "auto":
            return asked
        return "tape" if shares_little(self.shapes, self.bounds) else "code"


def read_plan(order: list[Node], positions: dict[Node, int], outputs: list[int],
              part_nodes: int, cut: bool = True) -> Plan:
    """The plan of the graph ``order`` (``cut``: also where its parts start and end)."""
    rules, parents, shapes, index = _read(order, positions)
    needs = [node in positions for node in order]
    for i, rule in enumerate(rules):
        if rule is not None:
            needs[i] = any([needs[j] for j in parents[i]])
    plan = Plan(order, positions, index, rules, parents, shapes, needs, outputs, part_nodes)
    if cut:
        plan.bounds = boundaries(shapes, part_nodes)
    return plan


def _read(order: list[Node], positions: dict[Node, int]
          ) -> tuple[list[Templates | None], list[list[int]], list[int], dict[Node, int]]:
    """Each node's templates (None for a leaf), parent indices and shape (for part
    boundaries), and each node's index in ``order``.

    A node's shape hashes its op and how far back its parents are (near ones by
    distance, far ones as "far"). Only integers are hashed, so shapes, and the
    part boundaries made from them, are the same in every run. A constant must
    hold a float: its value is written into the code.
    """
    index: dict[Node, int] = {}
    ops: dict[str, int] = {}
    rules: list[Templates | None] = []
    parents: list[list[int]] = []
    shapes: list[int] = []
    for i, node in enumerate(order):
        index[node] = i
        shape, a, b = operands(node)
        if shape is LEAF:
            if node not in positions and not isinstance(node.data, float):
                raise TypeError(
                    f"compile: the constant {node_name(node)} holds "
                    f"{type(node.data).__name__}, not a float: set its .data to a number"
                )
            rules.append(None)
            parents.append([])
            shapes.append(-1 if node in positions else -2)
            continue
        if shape is UNARY:
            mine = [index[a]]
        elif shape is GENERAL:
            mine = [index[p] for p in a]
        else:
            mine = [index[a], index[b]]
        op = node.op
        rule = _TEMPLATES.get(op) or (templates(op) if isinstance(op, str) else None)
        if rule is None:
            raise NotImplementedError(
                f"compile: no rule for op {op!r} ({node_name(node)}): the compiler knows "
                "the ops of the op table; a new op needs an entry in engine/operations.py "
                "(docs/adding-an-op.md), from which engine/compiler/rules.py reads it"
            )
        if len(mine) != len(rule.grads):
            raise ValueError(
                f"compile: {node_name(node)} has op {op!r} with {len(mine)} parents; "
                f"that op takes {len(rule.grads)} (a node built by hand?)"
            )
        rules.append(rule)
        parents.append(mine)
        code = ops.get(op)
        if code is None:
            code = ops[op] = len(ops)
        near = i - mine[0]
        first = near if near <= _NEAR else 0
        if len(mine) > 1:
            near = i - mine[1]
            shapes.append(hash((code, first, near if near <= _NEAR else 0)))
        else:
            shapes.append(hash((code, first)))
    return rules, parents, shapes, index


def boundaries(shapes: list[int], part_nodes: int) -> list[tuple[int, int]]:
    """Where parts start and end: content-defined, so repeated shapes repeat the cuts.

    The shapes of the ``_WINDOW`` nodes up to node i make i's context. Some
    contexts are anchors: taken in a fixed order (by hash) until they occur
    about once every ``part_nodes`` nodes. A part ends at the first anchor
    once it is ``part_nodes`` long, so in a repeated stretch of the graph it
    ends at the same place in every repetition (at ``4 · part_nodes`` it ends
    anyway).
    """
    count = len(shapes)
    if count <= part_nodes:
        return [(0, count)]
    padded = [0] * (_WINDOW - 1) + shapes
    contexts = list(map(hash, zip(*[padded[k:] for k in range(_WINDOW)])))
    frequency = Counter(contexts)
    anchors = set()
    seen = 0
    for context in sorted(frequency):
        if seen * part_nodes >= count:
            break
        anchors.add(context)
        seen += frequency[context]
    bounds = []
    start = 0
    for i, context in enumerate(contexts):
        size = i + 1 - start
        if size >= part_nodes and (context in anchors or size >= 4 * part_nodes):
            bounds.append((start, i + 1))
            start = i + 1
    if start < count:
        bounds.append((start, count))
    return bounds


def shares_little(shapes: list[int], bounds: list[tuple[int, int]]) -> bool:
    """Whether a big graph's parts mostly differ, so that straight-line code would
    compile tens of thousands of lines anew: then ``engine.compile`` records a tape.

    ``bounds`` are the parts' boundaries (``boundaries``). Parts are told apart
    by their nodes' shapes (which decide their text, up to the slots they
    read): a chain or a batch repeats a few parts hundreds of
    times; a graph with no repeated shapes has as many distinct parts as parts.
    """
    if len(shapes) < _TAPE_NODES:
        return False
    distinct = {tuple(shapes[start:end]): end - start for start, end in bounds}
    unique = sum(distinct.values())
    return unique > _TAPE_NODES and unique > _DISTINCT_SHARE * len(shapes)


def inlined(
    rules: list[Templates | None],
    parents: list[list[int]],
    needs: list[bool],
    slot: dict[int, int],
    part_of: list[int],
) -> list[bool]:
    """The nodes whose value is written into its one use instead of a line of its own.

    A value qualifies when exactly one op reads it, once, in the same part,
    and no backward line needs it: ``tanh(x0 * x1 + x2)`` for a chain's link
    instead of three lines. Fewer lines to compile, and the intermediate
    floats die at once, so CPython reuses their memory while it is in cache.
    Only for big graphs: a small graph's source keeps one line per op.
    """
    count = len(rules)
    uses = [0] * count
    for mine in parents:
        for j in mine:
            uses[j] += 1
    inline = [False] * count
    depth = [0] * count  # parentheses around node i's expression, with what is written into it
    for i in range(count):
        rule = rules[i]
        if rule is None:
            continue
        mine = parents[i]
        # Which operands the node's backward lines read: contributions go
        # only to parents that need a gradient.
        read_a = read_b = False
        if needs[i]:
            for p, (reads_a, reads_b) in zip(mine, rule.grad_reads):
                if needs[p]:
                    read_a, read_b = read_a or reads_a, read_b or reads_b
        nested = 1
        chosen = []
        for position, j in enumerate(mine):
            inner = rules[j]
            if (inner is None or uses[j] != 1 or j in slot or part_of[j] != part_of[i]
                    or rule.reads[position] != 1 or (needs[j] and inner.reads_out)
                    or (read_b if position else read_a)):
                continue
            chosen.append(j)
            if depth[j] >= nested:
                nested = depth[j] + 1
        if nested > _MAX_NESTING:  # CPython's parser takes 200 levels of parentheses
            continue
        depth[i] = nested
        for j in chosen:
            inline[j] = True
    return inline
