"""How the compiler reads a graph: each op's templates, the parts, what is written in place.

``engine.compiler.codegen`` writes the code; this module decides its layout:

- ``templates(op)``: an op's rule (``engine.compiler.rules``) as ``str.format``
  methods, and which operands each template reads;
- ``read_graph``: every node's templates, parent indices and *shape* (its op
  and how far back its parents are), checking that every op has a rule;
- ``boundaries``: where a big graph's parts start and end. The cuts are
  content-defined: placed where the local shape of the graph says, so
  repeated shapes (a chain's links, a batch's examples) get repeated cuts, and
  parts with the same text are compiled once;
- ``inlined``: the values written into their one use instead of a line of
  their own (``tanh(x0 * x1 + x2)`` for a chain's link).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from engine.compiler.rules import rule_for
from engine.node import GENERAL, LEAF, UNARY, Node, describe

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
    for number, field in enumerate(_FIELDS):
        template = template.replace(field, f"{{{number}}}")
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


# What read_graph gives: each node's templates, parent indices and shape, and the index.
GraphReading = tuple[list[Templates | None], list[list[int]], list[int], dict[Node, int]]


def read_graph(order: list[Node], positions: dict[Node, int]) -> GraphReading:
    """Each node's templates (None for a leaf), parent indices and shape (for part
    boundaries), and each node's index in ``order``.

    A node's shape hashes its op and how far back its parents are (near ones by
    distance, far ones as "far"). Only integers are hashed, so shapes, and the
    part boundaries made from them, are the same in every run. The parents are
    read from the node's slots (``engine.node``), as the sweep reads them.
    """
    index: dict[Node, int] = {}
    ops: dict[str, int] = {}
    rules: list[Templates | None] = []
    parents: list[list[int]] = []
    shapes: list[int] = []
    for i, node in enumerate(order):
        index[node] = i
        b = node._b
        if b is LEAF:
            rules.append(None)
            parents.append([])
            shapes.append(-1 if node in positions else -2)
            continue
        if b is UNARY:
            mine = [index[node._a]]
        elif b is GENERAL:
            mine = [index[p] for p in node.parents]
        else:
            mine = [index[node._a], index[b]]
        op = node.op
        rule = _TEMPLATES.get(op) or (templates(op) if isinstance(op, str) else None)
        if rule is None:
            raise NotImplementedError(
                f"compile: no rule for op {op!r} ({describe(node)}): the compiler knows "
                "the ops of engine.value; a new op needs an entry in engine/compile_rules.py"
            )
        if len(mine) != len(rule.grads):
            raise ValueError(
                f"compile: {describe(node)} has op {op!r} with {len(mine)} parents; "
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


def needs_gradient(
    order: list[Node], positions: dict[Node, int], rules: list[Templates | None],
    parents: list[list[int]],
) -> list[bool]:
    """For each node, whether it needs a gradient: exactly when it depends on an input."""
    needs = [node in positions for node in order]
    for i, rule in enumerate(rules):
        if rule is not None:
            needs[i] = any([needs[j] for j in parents[i]])
    return needs


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
