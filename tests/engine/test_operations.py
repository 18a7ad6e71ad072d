"""engine.operations: every op written once, and read from there by every form of it.

For each entry of the table: ``Value``'s method, the rule ``create_graph``
uses (``engine.higher.local_derivatives``) and the compiler's rule
(``engine.compiler.rules``) are made from that entry and no other, and the
test registry (``tests/expressions.py``) has a row that builds the op. The
numbers themselves are checked by the registry's three oracles and by the
bit-for-bit tests of the sweep, ``create_graph``, the compiled code and the tape.
"""

import pytest

from engine import Value
from engine.compiler.rules import rule_for
from engine.formulas import FLOATS, VALUES, a, b, call, contribution, equal, render, where
from engine.higher import local_derivatives
from engine.operations import FAMILIES, OPS, op_named
from tests.expressions import OPS as CASES


def method_of(entry):
    function = getattr(Value, entry.method)
    if entry.name == "**":  # __pow__ chooses: a Value exponent takes this entry's method
        from engine.value import _power_of_values

        return _power_of_values
    return function


@pytest.mark.parametrize("name", sorted(OPS))
def test_the_method_the_create_graph_rule_and_the_compiler_rule_come_from_one_entry(name):
    entry = OPS[name]
    assert method_of(entry).op is entry
    assert local_derivatives.rule_for(name).op is entry
    assert rule_for(name).op is entry
    if entry.reflected is not None:
        assert getattr(Value, entry.reflected).op is entry


@pytest.mark.parametrize("name", ["**3", "**0.5", "**-0.5", "**0", "**2.5", "leaky_relu",
                                  "leaky_relu(0.2)"])
def test_an_op_whose_name_carries_a_constant_has_one_entry_per_constant(name):
    entry = op_named(name)
    assert entry is not None and entry.name == name
    assert local_derivatives.rule_for(name).op == entry
    assert rule_for(name).op == entry
    x = Value(1.5)
    node = x.leaky_relu(0.2) if name == "leaky_relu(0.2)" else (
        x.leaky_relu() if name == "leaky_relu" else x ** float(name[2:]))
    assert node.op == name


def test_every_entry_has_a_row_in_the_test_registry():
    x, y = Value(0.7), Value(1.3)
    built = {(case.apply(x, y) if case.arity == 2 else case.apply(x)).op for case in CASES}
    missing = [name for name in OPS if name not in built]
    assert not missing, f"ops without a row in tests/expressions.py: {missing}"
    for family in FAMILIES:
        assert any(family.constant(op) is not None for op in built), family.method


def test_an_unknown_op_has_no_entry():
    assert op_named("cube") is None and op_named("**x") is None and op_named("leaky_relu(") is None
    assert rule_for("cube") is None and local_derivatives.rule_for("cube") is None


# --- the formulas, written in each dialect ------------------------------------------------


def test_one_formula_reads_three_ways():
    slope = where(equal(b, 0.0), 0.0, b * call("power", a, b - 1.0))
    assert render(slope, FLOATS, {}) == "(0.0 if b == 0.0 else b * power(a, b - 1.0))"
    assert render(slope, VALUES, {}) == "(0.0 if b.data == 0.0 else b * a ** (b - 1.0))"
    assert contribution(slope, {}, "g") == "(0.0 * g if b == 0.0 else b * power(a, b - 1.0) * g)"


def test_a_quotient_is_written_so_that_a_zero_denominator_follows_ieee():
    quotient = call("divide", a, b)
    assert render(quotient, FLOATS, {}) == "(a / b if b else divide(a, b))"
    # A denominator that is not a name is written once, through ieee.divide.
    assert render(call("divide", a, b + 1.0), FLOATS, {}) == "divide(a, b + 1.0)"
    assert render(-quotient, VALUES, {}) == "-(a / b)"


def test_precedence_is_kept_where_an_operator_binds_tighter():
    assert render((a + b) * (a - b), FLOATS, {}) == "(a + b) * (a - b)"
    assert render(a - (b - a), FLOATS, {}) == "a - (b - a)"
    assert render(-(a * b), FLOATS, {}) == "-(a * b)"
    assert render(call("power_by", a + b, -0.5), VALUES, {}) == "(a + b) ** (-0.5)"
