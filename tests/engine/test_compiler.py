"""engine.compile: the generated code, bit-for-bit equality with the dynamic
engine (random DAGs with every op, IEEE special points, parts of every size),
bad input, frozen control flow and ``check``, and big graphs."""

import builtins
import collections
import dis
import gc
import math
import re
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Compiled, Node, Value, compile, topological_order
from engine.examples import distinct_chain, lecture_neuron, tanh_chain
from tests.expressions import ALL_OPS, Program, programs, real, run_program
from tests.helpers.bitwise import assert_bitwise, bits, held_bytes
from tests.helpers.ieee_points import BINARY, SPECIAL, UNARY


def dynamic(build, values):
    """What the dynamic engine gives: a fresh graph at ``values``, then backward().

    Gradients are listed for the leaves the root depends on, as compile takes them.
    """
    leaves = [Value(x) for x in values]
    root = build(*leaves)
    root.backward()
    used = set(topological_order(root))
    return root.data, [leaf.grad for leaf in leaves if leaf in used]


class Recorded:
    """``build`` recorded at the values ``record`` and compiled, called with every
    leaf's value (the ones the root does not depend on are left out)."""

    def __init__(self, build, record, part_nodes=256, mode="code"):
        leaves = [Value(x) for x in record]
        root = build(*leaves)
        used = set(topological_order(root))
        self.used = [i for i, leaf in enumerate(leaves) if leaf in used]
        self.compiled = compile(root, [leaves[i] for i in self.used], part_nodes=part_nodes,
                                mode=mode)

    def __call__(self, values):
        return self.compiled([values[i] for i in self.used])


compiled_at = Recorded

# Both ways to compile: straight-line code and the tape (engine.compiler.tape).
MODES = pytest.mark.parametrize("mode", ["code", "tape"])


# --- what the code looks like -----------------------------------------------------


def test_the_lecture_neuron_compiles_to_one_readable_function():
    nodes = lecture_neuron()
    leaves = [nodes[name] for name in ("x1", "w1", "x2", "w2", "b")]
    source = compile(nodes["o"], leaves).source
    forward, backward = source.split("    yield\n")
    assert "def part_0(V, G):" in forward
    assert "= tanh(" in forward and "# o" in forward
    assert "# x1*w1 + x2*w2" in forward
    # Ops, one line each: two products, two sums, tanh, then the sweep back.
    assert sum(" * " in line for line in forward.splitlines() if "V[" not in line) == 2
    assert "(1.0 - v9) * (1.0 + v9)" in backward
    assert backward.count("G[") == 5 + 5  # each input's total starts from G and is stored
    assert "# ∂o/∂w1" in backward


def test_the_source_is_the_code_that_runs():
    x, w = Value(0.5, label="x"), Value(-2.0, label="w")
    f = compile((x * w).relu() + x, [x, w])
    namespace = dict(engine_names())
    exec(f.source, namespace)
    slots, grads = [0.3, 1.5, 0.0], [0.0, 0.0, 0.0]
    part = namespace["part_0"](slots, grads)
    next(part)
    next(part, None)
    assert (slots[2], grads[:2]) == f([0.3, 1.5])


def engine_names():
    from engine.compiler.rules import NAMESPACE

    return NAMESPACE


def test_constants_are_literals_and_need_no_gradient():
    x = Value(2.0, label="x")
    f = compile(x * 3.0 + (Value(4.0) * 5.0), [x])
    forward, backward = f.source.split("    yield\n")
    assert "4.0 * 5.0" in forward and "* 3.0" in forward
    # 4·5 depends on no input: it is computed, never differentiated.
    assert "3.0 * g" in backward and "5.0" not in backward and "4.0" not in backward
    assert f([1.0]) == (23.0, [3.0])


def test_a_sum_passes_its_gradient_on_without_a_copy():
    a, b = Value(1.0), Value(2.0)
    backward = compile((a * b + b).tanh(), [a, b]).source.split("    yield\n")[1]
    assert re.search(r"g\d+ = \(1.0 - v\d+\)", backward)  # tanh's line exists
    assert not re.search(r"^ *g\d+ = g\d+ *$", backward, re.MULTILINE)


# --- bit for bit against the dynamic engine ----------------------------------------

VALUES = st.one_of(real(-3.0, 3.0), st.sampled_from(SPECIAL))


@MODES
@settings(max_examples=150, deadline=None)
@given(program=programs(ops=tuple(ALL_OPS), max_inputs=3, max_steps=12), data=st.data())
def test_random_dags_with_every_op_equal_the_dynamic_engine_bit_for_bit(
    program: Program, data, mode
):
    def build(*leaves):
        return run_program(program, leaves)

    part_nodes = data.draw(st.sampled_from([1, 2, 5, 256]))
    compiled = compiled_at(build, program.inputs, part_nodes, mode=mode)
    assert_bitwise(compiled(list(program.inputs)), dynamic(build, program.inputs))
    # At new values: every op, relu's branch included, is recomputed.
    new = data.draw(st.lists(VALUES, min_size=len(program.inputs),
                             max_size=len(program.inputs)))
    assert_bitwise(compiled(new), dynamic(build, new))


@pytest.mark.parametrize("op", UNARY)
@MODES
def test_unary_ops_at_special_points_equal_the_dynamic_engine(op, mode):
    build = UNARY[op]
    for record in (1.0, -2.0):
        compiled = compiled_at(build, [record], mode=mode)
        for x in SPECIAL:
            assert_bitwise(compiled([x]), dynamic(build, [x]))


@pytest.mark.parametrize("op", BINARY)
@MODES
def test_binary_ops_at_special_points_equal_the_dynamic_engine(op, mode):
    build = BINARY[op]
    compiled = compiled_at(build, [1.5, 2.0], mode=mode)
    for a in SPECIAL:
        for b in SPECIAL:
            assert_bitwise(compiled([a, b]), dynamic(build, [a, b]))


@pytest.mark.parametrize("exponent", [0.5, -0.5, 0.0, -0.0, 2.0, 1.0 / 3.0, -1.0])
@MODES
def test_constant_powers_with_their_special_cases_equal_the_dynamic_engine(exponent, mode):
    def build(a):
        return a**exponent

    compiled = compiled_at(build, [4.0], mode=mode)
    for x in SPECIAL:
        assert_bitwise(compiled([x]), dynamic(build, [x]))


@MODES
def test_x_times_x_and_shared_subexpressions(mode):
    def build(x, y):
        s = x * x
        return (s + y) * s - x / y

    compiled = compiled_at(build, [1.5, -0.5], mode=mode)
    for values in ([1.5, -0.5], [0.0, -0.0], [-1e-310, 3.0], [2.0, 0.0]):
        assert_bitwise(compiled(values), dynamic(build, values))


@MODES
def test_leaky_relu_keeps_its_alpha_whichever_branch_was_recorded(mode):
    compiled = compiled_at(lambda a: a.leaky_relu(0.3), [2.0], mode=mode)  # recorded with slope 1
    assert compiled([-1.0]) == (-0.3, [0.3])


@MODES
def test_a_negative_zero_total_becomes_plus_zero_as_in_backward(mode):
    def build(x):
        return x * -0.0

    value, (grad,) = compiled_at(build, [1.0], mode=mode)([1.0])
    assert bits(grad) == bits(dynamic(build, [1.0])[1][0]) == bits(0.0)


@pytest.mark.parametrize("part_nodes", [1, 2, 5])
def test_a_negative_zero_total_of_an_input_read_in_one_part_becomes_plus_zero(part_nodes):
    # Split into parts, an input only one part reads is that part's own: its total
    # is written without reading G, and must still round as 0.0 + (-0.0) does.
    def build(x, y):
        return (x * -0.0 + y * 2.0) * 3.0

    compiled = compiled_at(build, [1.0, 2.0], part_nodes)
    assert_bitwise(compiled([1.0, 2.0]), dynamic(build, [1.0, 2.0]))
    assert bits(compiled([1.0, 2.0])[1][0]) == bits(0.0)


@MODES
def test_inputs_may_be_some_leaves_in_any_order(mode):
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    f = compile(a * b + c, [c, a], mode=mode)
    assert f([10.0, 5.0]) == (5.0 * 2.0 + 10.0, [1.0, 2.0])


@MODES
def test_a_root_that_is_an_input_and_a_constant_root(mode):
    x = Value(4.0)
    assert compile(x, [x], mode=mode)([7.0]) == (7.0, [1.0])
    assert compile(Value(4.0), [], mode=mode)([]) == (4.0, [])


@MODES
def test_outputs_report_further_values(mode):
    x = Value(1.0)
    hidden = x * 3.0
    f = compile(hidden.tanh(), [x], outputs=[hidden, x], mode=mode)
    value, grads, outputs = f.run([0.5])
    assert outputs == [1.5, 0.5]
    assert value == math.tanh(1.5)


@MODES
def test_reusing_a_compiled_function_gives_the_same_results(mode):
    root, leaves = tanh_chain(50)
    f = compile(root, leaves, part_nodes=7, mode=mode)
    first = f([0.1, 0.2, 0.3])
    f([5.0, -1.0, 0.0])
    assert f([0.1, 0.2, 0.3]) == first


# --- bad input ---------------------------------------------------------------------


def test_the_wrong_number_of_values_is_a_value_error_naming_the_inputs():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    f = compile(x * w, [x, w])
    with pytest.raises(ValueError, match=r"2 inputs \('x', 'w'\) got 3 values"):
        f([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="list of 2 numbers"):
        f(3.0)


@pytest.mark.parametrize("bad", ["1.0", None, Value(1.0), True, [1.0]])
def test_a_value_that_is_not_a_number_is_a_type_error_naming_its_position(bad):
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    f = compile(x * w, [x, w])
    with pytest.raises(TypeError, match=r"value 1 \(input 'w'\) is"):
        f([1.0, bad])


def test_ints_and_numpy_numbers_are_numbers():
    np = pytest.importorskip("numpy")
    x, w = Value(1.0), Value(2.0)
    f = compile(x * w, [x, w])
    assert f([3, np.float64(0.5)]) == (1.5, [0.5, 3.0])


def test_a_root_that_is_not_a_value_is_a_type_error():
    with pytest.raises(TypeError, match=r"compile\(root\) needs a Value, got float"):
        compile(1.0, [])  # type: ignore[arg-type]


def test_inputs_must_be_leaves_of_the_graph_listed_once():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    product = x * y
    root = product.tanh()
    with pytest.raises(ValueError, match="not a leaf"):
        compile(root, [x, product])
    with pytest.raises(ValueError, match="'z'.*not in the root's graph"):
        compile(root, [x, Value(3.0, label="z")])
    with pytest.raises(ValueError, match="listed twice"):
        compile(root, [x, y, x])
    with pytest.raises(TypeError, match=r"inputs\[1\] needs a Value"):
        compile(root, [x, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="inputs must be a list of Values"):
        compile(root, x)  # type: ignore[arg-type]


def test_an_op_without_a_rule_is_named():
    x = Value(1.0)
    strange = Value(2.0, (x,), (3.0,), "cube_root")
    with pytest.raises(NotImplementedError, match="no rule for op 'cube_root'.*operations.py"):
        compile(strange, [x])


def test_a_known_op_with_the_wrong_number_of_parents_is_named():
    x = Value(1.0)
    odd = Node(2.0, (x, x, x), (1.0, 1.0, 1.0), "+")
    with pytest.raises(ValueError, match="op '\\+' with 3 parents; that op takes 2"):
        compile(odd, [x])


# --- frozen control flow, and check ---------------------------------------------------


def clipped(x: Value) -> Value:
    """Python control flow on a value: frozen when compiled."""
    return x * 2.0 if x.data > 0.0 else x * -1.0


@MODES
def test_control_flow_on_values_is_frozen_at_compile_time(mode):
    x = Value(1.0)
    f = compile(clipped(x), [x], mode=mode)
    assert f([-3.0]) == (-6.0, [2.0])  # the branch recorded at x = 1, not x * -1
    assert dynamic(clipped, [-3.0]) == (3.0, [-1.0])


def test_check_passes_where_the_shape_is_the_same_and_names_the_line_where_it_is_not():
    x = Value(1.0)
    f = compile(clipped(x), [x])
    x.data = 5.0
    f.check(clipped(x), [x])  # same branch at a new value: agrees
    x.data = -5.0
    with pytest.raises(ValueError, match="another branch") as raised:
        f.check(clipped(x), [x])
    number = int(re.search(r"at line (\d+)", str(raised.value)).group(1))
    line = f.source.splitlines()[number - 1]
    assert line.strip() in str(raised.value) and "* 2.0" in line
    assert "* -1.0" in str(raised.value)


@MODES
def test_check_leaves_gradients_alone_and_finds_a_changed_size(mode):
    root, leaves = tanh_chain(3)
    f = compile(root, leaves, mode=mode)
    root.backward()
    before = [leaf.grad for leaf in leaves]
    f.check(root, leaves)
    assert [leaf.grad for leaf in leaves] == before
    longer = (root * leaves[1] + leaves[2]).tanh()
    with pytest.raises(ValueError, match="compile this graph again"):
        f.check(longer, leaves)


# --- big graphs ---------------------------------------------------------------------


def test_a_chain_of_a_hundred_thousand_nodes_compiles_into_a_few_shared_functions():
    root, leaves = tanh_chain(33_334)
    assert len(topological_order(root)) > 100_000
    f = compile(root, leaves)
    assert f.functions <= 5  # a link's code, compiled once, runs for every part
    root.backward()
    assert_bitwise(f([leaf.data for leaf in leaves]), (root.data, [x.grad for x in leaves]))


def per_link_chain(values):
    """x ← tanh(x·wᵢ + bᵢ) from values [x0, w1, b1, w2, b2, …]: the root and its leaves."""
    leaves = [Value(v) for v in values]
    x = leaves[0]
    for weight, bias in zip(leaves[1::2], leaves[2::2]):
        x = (x * weight + bias).tanh()
    return x, leaves


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_chain_with_a_weight_and_bias_per_link_shares_parts_that_take_their_own_inputs(
    shuffled,
):
    # Every link's w and b is read by one part only: the shared part takes them in one
    # slice of V, not a slot number each, whatever order the caller lists them in.
    _, leaves = distinct_chain(2_000)
    recorded = [leaf.data for leaf in leaves]
    listed = list(range(len(recorded)))
    if shuffled:
        listed = listed[1::2] + listed[::2]

    def compiled_and_dynamic(values):
        root, leaves = per_link_chain(values)
        root.backward()
        return root, [leaves[k] for k in listed]

    root, inputs = compiled_and_dynamic(recorded)
    f = compile(root, inputs)
    assert f.functions <= 5 and f.parts > 20
    assert max(map(len, re.findall(r"def part_\d+\(V, G(.*)\):", f.source))) < 40
    # A link's gradient variables are reused once spent, as a hand-written loop's g is.
    assert len(set(re.findall(r"\bg\d+\b", f.source))) <= 4
    for values in (recorded, [math.sin(7.0 * k) for k in range(len(recorded))]):
        root, inputs = compiled_and_dynamic(values)
        assert_bitwise(f([leaf.data for leaf in inputs]),
                       (root.data, [leaf.grad for leaf in inputs]))


def compiled_parts(source):
    """Each distinct part of a compiled function, compiled from its source, with the
    number of times the calls run it."""
    definitions, calls = source.split("# The calls, in order:")
    runs = collections.Counter(re.findall(r"^(part_\d+)\(", calls, re.MULTILINE))
    parts = []
    for definition in re.split(r"\n(?=def part_)", definitions)[1:]:
        module = builtins.compile(definition, "<part>", "exec")
        code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
        parts.append((runs[code.co_name], code))
    return parts


def test_a_shared_part_reads_its_locals_without_extended_arguments():
    # CPython numbers a function's locals in the order its code names them, and one
    # numbered past 255 takes an EXTENDED_ARG instruction at every use. A link's own
    # inputs are hundreds of locals: the registers, used most, are named first, and
    # an input's gradient takes the variable of its value once that is spent.
    root, leaves = distinct_chain(2_000)
    f = compile(root, leaves)
    parts = compiled_parts(f.source)
    runs, shared = max(parts, key=lambda part: part[0])
    assert runs > 20
    assert shared.co_varnames.index("g0") < 8
    assert shared.co_nlocals < 300  # 437 with a variable for each input's gradient
    instructions = list(dis.get_instructions(shared))
    extended = sum(i.opname == "EXTENDED_ARG" for i in instructions)
    assert extended < len(instructions) / 50  # 894 of 4,294 when the registers came last
    # No part without work is called: leaves read elsewhere need no function.
    assert all(len(list(dis.get_instructions(code))) > 10 for _, code in parts)
    root.backward()
    assert_bitwise(f([leaf.data for leaf in leaves]), (root.data, [x.grad for x in leaves]))


def varied_links(values):
    """A chain from [x0, w1, b1, w2, b2, …] whose links read their own w and b in five
    ways: once each, as second operand and as first; both in one op; w twice in one
    op; b in two ops."""
    leaves = [Value(v) for v in values]
    x = leaves[0]
    for k, (w, b) in enumerate(zip(leaves[1::2], leaves[2::2])):
        if k % 5 == 0:
            x = (x * w + b).tanh()
        elif k % 5 == 1:
            x = (w * x + b).tanh()
        elif k % 5 == 2:
            x = (x + w * b).tanh()
        elif k % 5 == 3:
            x = (x * w * w + b).tanh()
        else:
            x = (x * b + w * b).tanh()
    return x, leaves


def test_own_inputs_read_in_every_way_give_the_dynamic_engines_gradients():
    # An input's gradient takes its value's variable only where nothing reads the
    # value afterwards: not when one op reads two of them, nor one twice, nor two ops one.
    recorded = [0.5] + [math.cos(3.0 * k) for k in range(3_000)]
    root, leaves = varied_links(recorded)
    f = compile(root, leaves)
    assert f.parts > 10 and f.functions <= 12
    for values in (recorded, [math.sin(7.0 * k) for k in range(len(recorded))]):
        root, leaves = varied_links(values)
        root.backward()
        assert_bitwise(f(values), (root.data, [leaf.grad for leaf in leaves]))


def test_the_compiled_form_of_a_long_chain_holds_under_40_bytes_a_node():
    root, leaves = tanh_chain(20_000)
    nodes = len(topological_order(root))
    held, f = held_bytes(lambda: compile(root, leaves))
    assert isinstance(f, Compiled)
    assert held / nodes < 40


def test_the_recorded_graph_can_be_dropped():
    root, leaves = tanh_chain(100)
    f = compile(root, leaves)
    values = [leaf.data for leaf in leaves]
    expected = f(values)
    del root, leaves
    gc.collect()
    assert f(values) == expected
