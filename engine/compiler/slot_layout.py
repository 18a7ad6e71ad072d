"""Where a compiled graph keeps its values: each node's slot in ``V`` (and ``G``).

``engine.compiler.codegen`` writes a big graph as parts that pass values
through two lists, ``V`` (values) and ``G`` (their gradients). ``Layout``
gives every value that crosses parts its slot, and groups the leaves that
one part alone reads into consecutive slots, so that the part takes them in
one slice.
"""

from __future__ import annotations

from engine.compiler.plan import Plan


class Layout:
    """Where each value lives in ``V`` (and its gradient in ``G``): ``slot[node]``.

    A small graph (one readable part) keeps its inputs in the caller's order
    and writes its constants as literals. In a big graph, the leaves that only
    one part reads (a chain's weight and bias per link, a batch example's data)
    are that part's *own*: they get consecutive slots, in the order the part
    reads them, so the part takes them in one slice (``p0, p1, … = V[s:s + n]``)
    into local variables and writes their gradients back in one slice, instead
    of being passed a slot number for each (measured on the chain with a
    weight and a bias per link: 174 slot arguments, each read through
    ``V[s]``, made it 1.4× the hand-written floats). The inputs are then laid
    out in ``V`` in that order, not the caller's: ``input_slots[position]``.
    Then, as before, one slot per value that crosses parts, per other
    constant, for the root and for each output.
    """

    def __init__(self, plan: Plan) -> None:
        count = len(plan.order)
        part_of = [0] * count
        for p, (start, end) in enumerate(plan.bounds):
            part_of[start:end] = [p] * (end - start)
        self.part_of = part_of
        self.readable = readable = len(plan.bounds) == 1
        self.constant = plan.constant
        self.slot: dict[int, int] = {}
        self.runs: list[tuple[list[int], list[int]]] = [([], []) for _ in plan.bounds]
        # The own inputs one op reads, once, beside no other input: once that op's
        # contributions are written their value is spent (``engine.compiler.part``).
        self.spent: set[int] = set()
        index = plan.index
        inputs = [index[leaf] for leaf in plan.positions]  # by position
        if not readable:
            self._own_leaves(plan, part_of)
        size = 0
        for own_inputs, _ in self.runs:
            for j in own_inputs:
                self.slot[j] = size
                size += 1
        for j in inputs:
            if j not in self.slot:
                self.slot[j] = size
                size += 1
        self.input_slots = [self.slot[j] for j in inputs]
        self.size = self._crossing(plan, part_of, size)

    def _own_leaves(self, plan: Plan, part_of: list[int]) -> None:
        """Each part's own leaves (read by no other part), inputs and constants apart,
        in the order the part's forward code first reads them."""
        rules, parents, constant = plan.rules, plan.parents, self.constant
        reader = [-1] * len(rules)  # the part reading leaf j, or -2 if several do
        reads = [0] * len(rules)  # how often each leaf is read
        for i, mine in enumerate(parents):
            part = part_of[i]
            for j in mine:
                if rules[j] is None:
                    reads[j] += 1
                    if reader[j] != part:
                        reader[j] = part if reader[j] == -1 else -2
            if (len(mine) == 2 and rules[mine[0]] is None and rules[mine[1]] is None
                    and not constant[mine[0]] and not constant[mine[1]]):
                # Two inputs of one op: the term of each may read the other's value.
                reads[mine[0]] += 1
                reads[mine[1]] += 1
        taken = set()
        for p, (start, end) in enumerate(plan.bounds):
            own_inputs, own_constants = self.runs[p]
            for i in range(start, end):
                for j in parents[i]:
                    if reader[j] == p and j not in taken:
                        taken.add(j)
                        (own_constants if self.constant[j] else own_inputs).append(j)
                        if reads[j] == 1 and not self.constant[j]:
                            self.spent.add(j)

    def _crossing(self, plan: Plan, part_of: list[int], size: int) -> int:
        """Slots for each part's own constants (consecutive), for the values that
        cross parts and the other constants, the root and the outputs; the new size."""
        slot, constant, readable = self.slot, self.constant, self.readable
        parents = plan.parents
        for _, own_constants in self.runs:
            for j in own_constants:
                slot[j] = size
                size += 1
        count = len(parents)
        for i in range(count):
            part = part_of[i]
            for j in parents[i]:
                if (part_of[j] != part or (constant[j] and not readable)) and j not in slot:
                    slot[j] = size
                    size += 1
        for i in (count - 1, *plan.outputs):
            if i not in slot:
                slot[i] = size
                size += 1
        return size
