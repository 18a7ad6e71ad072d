"""Forward mode: ``forward_gradients``, ``jvp`` and ``jacobian`` against the sweep.

Exactly equal on random DAGs whose local derivatives are powers of two (no
product or sum rounds, so the order of the products cannot matter: what is
left to differ is structure, fan-out and selection); equal to rounding on
random DAGs of every op; counted work against formulas; PyTorch's own forward
mode as a further oracle.
"""

import math

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from engine import (
    Value,
    forward_gradients,
    jacobian,
    jvp,
    naive_gradients,
    sweep_gradients,
    topological_order,
)
from engine.examples import chain, diamonds, mlp, tanh_chain
from tests.expressions import (
    ALL_OPS,
    Program,
    gradient_magnitudes,
    kink_arguments,
    maximum,
    minimum,
    programs,
    real,
    run_program,
)

# Ops whose local derivatives are 0, ±1 or powers of two, whatever the data.
EXACT = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "neg": lambda a: -a,
    "half": lambda a: a * 0.5, "double": lambda a: 2.0 * a, "quarter": lambda a: a / 4.0,
    "relu": lambda a: a.relu(), "abs": abs, "leaky": lambda a: a.leaky_relu(0.25),
    "maximum": maximum, "minimum": minimum,
}
EXACT_BINARY = {"add", "sub", "maximum", "minimum"}


@st.composite
def exact_programs(draw):
    inputs = draw(st.lists(real(-4.0, 4.0), min_size=1, max_size=4))
    nodes = [Value(x) for x in inputs]
    for _ in range(draw(st.integers(1, 14))):
        name = draw(st.sampled_from(sorted(EXACT)))
        operands = [draw(st.sampled_from(nodes)) for _ in range(2 if name in EXACT_BINARY else 1)]
        nodes.append(EXACT[name](*operands))
    return nodes[-1], nodes[: len(inputs)]


@settings(max_examples=300, deadline=None)
@given(exact_programs())
def test_forward_mode_equals_the_sweep_exactly_where_nothing_rounds(graph):
    root, leaves = graph
    forward = forward_gradients(root, leaves)
    swept = sweep_gradients(root, leaves)
    assert dict(forward) == dict(swept)


@settings(max_examples=150, deadline=None)
@given(programs(ops=tuple(ALL_OPS), max_steps=12))
@example(Program(inputs=(5e-324,), steps=(("sqrt", (0,)),), outputs=(1,)))
def test_forward_mode_equals_the_sweep_to_rounding_on_random_dags(program: Program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    assume(math.isfinite(root.data) and abs(root.data) < 1e100)
    forward = forward_gradients(root, leaves)
    swept = sweep_gradients(root, leaves)
    # Products associated from the other end round differently, by up to a few ulps of
    # the sum of |path products| (cancelling terms leave that much behind); below the
    # normal range a rounding is absolute, a few of the smallest subnormals (sqrt(x*x + 1)
    # at x = 5e-324: 0.5·x + 0.5·x rounds to 0, (x + x)·0.5 to 5e-324).
    scale = gradient_magnitudes(root, leaves)
    for leaf in leaves:
        tolerance = 1e-13 * scale[leaf] + 16 * math.ulp(0.0)
        assert forward[leaf] == pytest.approx(swept[leaf], rel=1e-12, abs=tolerance)


@settings(max_examples=150, deadline=None)
@given(programs(ops=tuple(ALL_OPS), max_steps=12))
def test_forward_mode_multiplies_along_the_edges_the_per_edge_chain_rule_does(program: Program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    order = topological_order(root)
    forward = forward_gradients(root, leaves)
    behind = [leaf for leaf in dict.fromkeys(leaves) if leaf in set(order)]
    assert forward.products == naive_gradients(root, leaves).products
    assert forward.visits == len(behind) * len(order)
    assert forward.products <= len(behind) * sum(len(n.parents) for n in order)


def test_counts_on_the_lectures_chain_are_quadratic_as_the_per_edge_chain_rule():
    for length in (1, 5, 40):
        problem = chain(length)
        leaves = [Value(x) for x in problem.inputs]
        forward = forward_gradients(problem.build(*leaves), leaves)
        assert forward.products == length * (length + 1) // 2 + 2 * length + 2
        assert forward.visits == (length + 2) * (2 * length + 3)


def test_one_forward_pass_gives_a_whole_trajectory_where_reverse_needs_a_sweep_per_step():
    steps = 30
    root, (x0, w, b) = tanh_chain(steps)
    outputs = [node for node in topological_order(root) if node.op == "tanh"]
    assert len(outputs) == steps
    forward = jacobian(outputs, [x0, w, b], mode="forward")
    reverse = jacobian(outputs, [x0, w, b], mode="reverse")
    for row_f, row_r in zip(forward.rows, reverse.rows, strict=True):
        assert row_f == pytest.approx(row_r, rel=1e-12, abs=1e-15)
    edges = sum(len(n.parents) for n in topological_order(root))
    assert forward.products <= 3 * edges  # three passes, O(E)
    assert reverse.products == sum(5 * k for k in range(1, steps + 1))  # a sweep per step
    assert forward.products < reverse.products / 4


@pytest.mark.parametrize("problem", [chain(6), mlp(3, 2), diamonds(5)], ids=lambda p: p.family)
def test_jacobian_rows_of_one_output_are_the_gradient(problem):
    leaves = [Value(x) for x in problem.inputs]
    root = problem.build(*leaves)
    swept = sweep_gradients(root, leaves)
    for mode in ("reverse", "forward"):
        (row,) = jacobian([root], leaves, mode=mode).rows
        assert row == pytest.approx([swept[leaf] for leaf in leaves], rel=1e-12, abs=1e-15)


def test_jacobian_prints_a_table_and_refuses_an_unknown_mode():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    text = str(jacobian([y, x.exp()], [x], mode="forward"))
    assert "y" in text and "4" in text and "forward mode" in text
    with pytest.raises(ValueError, match="'reverse' or 'forward', got 'sideways'"):
        jacobian([y], mode="sideways")


# --- forward mode on its own -------------------------------------------------------------


def test_forward_gradients_of_the_fan_out_diamond_and_x_times_x():
    from engine.examples import fan_out_diamond

    d, a = fan_out_diamond(3.0)
    assert forward_gradients(d, [a])[a] == 2 + 2 * 3.0
    x = Value(-1.5)
    assert forward_gradients(x * x, [x])[x] == -3.0


def test_inputs_the_root_does_not_depend_on_get_zero_without_a_pass():
    x, unused = Value(1.0), Value(2.0)
    result = forward_gradients(x * 3, [x, unused])
    assert (result[x], result[unused]) == (3.0, 0.0)
    assert result.visits == 3  # one pass over x, the constant and x * 3


def test_an_input_the_root_does_not_depend_on_cannot_make_nan():
    # c = a · b with b = inf: ∂c/∂a = inf. The derivative by x must not be inf · 0.
    x, a, b = Value(2.0), Value(1.0), Value(math.inf)
    root = x * 3 + (a * b).relu()
    assert forward_gradients(root, [x])[x] == 3.0 == sweep_gradients(root, [x])[x]


def test_jvp_is_the_directional_derivative():
    a, b = Value(0.5), Value(-1.0)
    root = (a * b).tanh() + b.exp()
    swept = sweep_gradients(root, [a, b])
    v = (2.0, -3.0)
    expected = swept[a] * v[0] + swept[b] * v[1]
    assert jvp(root, [a, b], v) == pytest.approx(expected, rel=1e-14)
    assert jvp(root, [root], [2.5]) == 2.5
    assert jvp(root, [Value(1.0)], [1.0]) == 0.0


@pytest.mark.parametrize("call, error, message", [
    (lambda r, a: jvp(r, a, [1.0]), TypeError, "wrt must be a list of Values"),
    (lambda r, a: jvp(r, [a], 1.0), TypeError, "tangents must be a list of numbers"),
    (lambda r, a: jvp(r, [a], [1.0, 2.0]), ValueError, "1 inputs in wrt need as many tangents"),
    (lambda r, a: jvp(r, [a, a], [1.0, 2.0]), ValueError, r"wrt\[1\] is listed twice"),
    (lambda r, a: jvp(r, [a], ["1"]), TypeError, r"tangents\[0\] must be a number, got str"),
    (lambda r, a: forward_gradients(r, [1.0]), TypeError, r"wrt\[0\] needs a Value"),
    (lambda r, a: forward_gradients(2.0), TypeError, r"forward_gradients\(root\) needs a Value"),
])
def test_bad_arguments_are_named(call, error, message):
    a = Value(1.0)
    with pytest.raises(error, match=message):
        call(a * a, a)


# --- PyTorch's forward mode (its dual numbers) ------------------------------------------------


@pytest.mark.torch
# PyTorch loads its forward-mode formulas through torch.jit on first use, which warns.
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programs(ops=tuple(ALL_OPS), max_steps=10), st.lists(st.floats(-2, 2), min_size=4,
                                                           max_size=4))
def test_jvp_matches_torch_forward_mode(torch, program: Program, tangent):
    tangent = tangent[: len(program.inputs)]
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    assume(math.isfinite(root.data) and abs(root.data) < 1e50)
    assume(all(abs(k) > 1e-9 for k in kink_arguments(program, program.inputs)))
    forward_ad = torch.autograd.forward_ad
    with forward_ad.dual_level():  # PyTorch's dual numbers
        duals = [forward_ad.make_dual(torch.tensor(x, dtype=torch.float64),
                                      torch.tensor(v, dtype=torch.float64))
                 for x, v in zip(program.inputs, tangent)]
        theirs = forward_ad.unpack_dual(run_program(program, duals)).tangent
    theirs = torch.tensor(0.0) if theirs is None else theirs
    seeds = {}
    for leaf, v in zip(leaves, tangent):
        seeds[leaf] = seeds.get(leaf, 0.0) + v
    ours = jvp(root, list(seeds), list(seeds.values()))
    magnitudes = gradient_magnitudes(root, leaves)
    scale = 1.0 + sum(abs(v) * magnitudes[leaf] for leaf, v in zip(leaves, tangent))
    assert ours == pytest.approx(theirs.item(), rel=1e-10, abs=1e-12 * scale)
