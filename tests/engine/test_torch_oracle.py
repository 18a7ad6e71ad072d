"""PyTorch float64 as the oracle: every op, and random DAGs built twice.

The same generic expression (tests/expressions.py) runs on ``Value`` leaves
and on float64 tensors; values and gradients must agree to rounding. Skipped
where PyTorch is not installed.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Value, sweep_gradients
from tests.expressions import (
    ALL_OPS,
    OPS,
    OpCase,
    Program,
    kink_arguments,
    points,
    programs,
    run_program,
)
from tests.helpers.torch_edges import ORACLE

pytestmark = pytest.mark.torch


def torch_leaves(torch, point):
    return [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]


def torch_grad(leaf) -> float:
    # An input the expression does not use gets no gradient in PyTorch.
    return 0.0 if leaf.grad is None else leaf.grad.item()


@pytest.mark.parametrize("case", OPS, ids=str)
@settings(ORACLE, max_examples=25)
@given(data=st.data())
def test_each_op_value_and_gradient_match_torch(torch, case: OpCase, data):
    point = data.draw(points(case))
    leaves = [Value(x) for x in point]
    out = case.apply(*leaves)
    out.backward()
    tensors = torch_leaves(torch, point)
    expected = case.apply(*tensors)
    expected.backward()
    assert expected.dtype == torch.float64
    assert out.data == pytest.approx(expected.item(), rel=1e-13, abs=1e-300)
    for leaf, tensor in zip(leaves, tensors, strict=True):
        assert leaf.grad == pytest.approx(torch_grad(tensor), rel=1e-12, abs=1e-300), case.name


@settings(ORACLE, max_examples=150)
@given(programs(ops=tuple(ALL_OPS)))
def test_random_dags_match_torch_by_backward_and_by_sweep_gradients(torch, program: Program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    assume(math.isfinite(root.data) and abs(root.data) < 1e100)
    # Rounding may put the two engines on opposite sides of a kink at 0.
    assume(all(abs(k) > 1e-9 for k in kink_arguments(program, program.inputs)))
    swept = sweep_gradients(root, leaves)
    root.backward()

    tensors = torch_leaves(torch, program.inputs)
    expected = run_program(program, tensors)
    expected.backward()

    assert root.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    scale = 1.0 + max(abs(torch_grad(t)) for t in tensors)
    for leaf, tensor in zip(leaves, tensors, strict=True):
        assert leaf.grad == pytest.approx(torch_grad(tensor), rel=1e-10, abs=1e-12 * scale)
        assert swept[leaf] == leaf.grad


def test_repeated_backward_matches_torch_accumulation(torch):
    # y = a·a + 1 at a = 3, backward twice: PyTorch accumulates into a leaf too.
    a = Value(3.0)
    y = a * a + 1
    y.backward()
    y.backward()
    t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    ty = t * t + 1
    ty.backward(retain_graph=True)
    ty.backward()
    assert a.grad == t.grad.item() == 12.0


def test_a_node_reused_in_one_op_matches_torch(torch):
    x = Value(-1.25)
    y = (x * x) * x + (x / x) + x**x.abs()
    y.backward()
    t = torch.tensor(-1.25, dtype=torch.float64, requires_grad=True)
    ty = (t * t) * t + (t / t) + t ** t.abs()
    ty.backward()
    assert math.isnan(y.data) == math.isnan(ty.item())
    assert x.grad == pytest.approx(t.grad.item(), rel=1e-13, nan_ok=True)
