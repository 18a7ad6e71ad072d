"""Forward mode: derivatives carried forward beside the values, one pass per input.

Dual numbers: give every number a second part, x + ẋ·ε with ε² = 0. Then
f(x + ẋε) = f(x) + f′(x)·ẋ·ε, so each op passes its operands' second parts
on through its local derivatives, and for every node

    ṅode = Σ over its operands p of  ∂node/∂p · ṗ

Seeded with ẇ = 1 at one input w (and 0 elsewhere), one pass in
topological order gives d(node)/dw for every node at once: one column of
the Jacobian. The graph already holds every value and every ∂node/∂p, so a
pass here computes only the second parts. n inputs cost n passes, O(n·E),
however many outputs there are; the backward sweep costs one pass per
output, however many inputs. So forward mode wins with few inputs and many
outputs (the sensitivity of a whole trajectory to two parameters), and the
sweep with one loss and many parameters (training): ``sweepgrad bench
complexity`` counts both.

- ``forward_gradients(root, wrt)``: d(root)/dw for each w in ``wrt``, one
  pass each, in the ``Gradients`` contract (products, visits);
- ``jvp(root, wrt, tangents)``: Σᵢ ∂root/∂wᵢ · vᵢ, one directional
  derivative in a single pass;
- ``push_tangents(order, seeds)``: the pass itself, for several outputs
  (``engine.methods.jacobians``, ``engine.higher.hessians.hvp``).

An operand that depends on no seeded input carries no tangent, and its edge
is skipped, as PyTorch's forward mode skips an undefined tangent (a zero
there would turn an infinite local derivative into nan for an input the
node does not depend on). So a pass multiplies along the edges above its
input: on a one-output graph, the very edges the per-edge chain rule
(``engine.methods.naive``) multiplies, met from the other end. Selected zeros and
divisions apply as in the sweep.

In exact arithmetic the results are the sweep's. In floats a path's
product is taken from the input's side here and from the output's side in
the sweep, so they agree to rounding, and exactly wherever no product
rounds. At infinities they can differ, as PyTorch's two modes do: the sweep
stops at a selected zero before it meets an infinite slope above it, while
a zero tangent carried up to that slope gives 0·inf = nan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Real

from engine.gradients import Gradients
from engine.graph import require_node, targets, topological_order
from engine.node import Node


def push_tangents(order: list[Node], seeds: dict[Node, float]) -> tuple[dict[Node, float], int]:
    """One forward pass: the tangent of every node that depends on a seed, and the products.

    ``order`` is a topological order; a seeded node keeps its seed (its own
    operands are not looked at), every other node gets Σ ∂node/∂p · ṗ over
    the operands p that carry a tangent, summed in operand order.
    """
    tangents = dict(seeds)
    tangent_of = tangents.get
    products = 0
    for node in order:
        if node in seeds:
            continue
        total = None
        for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
            tangent = tangent_of(parent)
            if tangent is not None:
                products += 1
                term = local_grad * tangent
                total = term if total is None else total + term
        if total is not None:
            tangents[node] = total
    return tangents, products


def forward_gradients(root: Node, wrt: Iterable[Node] | None = None) -> Gradients:
    """d(root)/dw for each w in ``wrt`` (default: every leaf), one forward pass each.

    Work: ``visits`` counts V per pass (a pass walks the whole topological
    order), ``products`` one per edge whose lower end depends on w: at most
    n·E for n inputs. A w the root does not depend on gets 0 and no pass.
    """
    require_node(root, "forward_gradients(root)")
    order = topological_order(root)
    behind_root = set(order)
    chosen = targets(order, wrt, "forward_gradients")
    # One pass per input behind the root: (d root/dw, its products).
    passes = {w: _derivative_of(root, order, w) for w in chosen if w in behind_root}
    gradients = {w: passes[w][0] if w in passes else 0.0 for w in chosen}
    products = sum(work for _, work in passes.values())
    return Gradients(gradients, products=products, visits=len(passes) * len(order))


def _derivative_of(root: Node, order: list[Node], w: Node) -> tuple[float, int]:
    """d(root)/dw by one pass seeded at w, and the products it took."""
    tangents, products = push_tangents(order, {w: 1.0})
    return tangents.get(root, 0.0), products


def jvp(root: Node, wrt: Sequence[Node], tangents: Sequence[float]) -> float:
    """The directional derivative Σᵢ ∂root/∂wᵢ · vᵢ along ``tangents`` v, in one pass."""
    require_node(root, "jvp(root)")
    if isinstance(wrt, Node) or not isinstance(wrt, Sequence):
        raise TypeError(f"jvp(root, wrt, tangents): wrt must be a list of Values, "
                        f"got {type(wrt).__name__}")
    if isinstance(tangents, (str, bytes)) or not isinstance(tangents, Sequence):
        raise TypeError(f"jvp(root, wrt, tangents): tangents must be a list of numbers, "
                        f"got {type(tangents).__name__}")
    if len(wrt) != len(tangents):
        raise ValueError(f"jvp: {len(wrt)} inputs in wrt need as many tangents, "
                         f"got {len(tangents)}")
    seeds: dict[Node, float] = {}
    for position, (w, v) in enumerate(zip(wrt, tangents)):
        require_node(w, f"jvp: wrt[{position}]")
        if w in seeds:
            raise ValueError(f"jvp: wrt[{position}] is listed twice: give each input once, "
                             "with its whole tangent")
        if isinstance(v, bool) or not isinstance(v, Real) or isinstance(v, Node):
            raise TypeError(f"jvp: tangents[{position}] must be a number, "
                            f"got {type(v).__name__}")
        seeds[w] = float(v)
    order = topological_order(root)
    if root in seeds:
        return seeds[root]
    pushed, _ = push_tangents(order, seeds)
    return pushed.get(root, 0.0)
