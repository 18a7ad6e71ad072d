"""Attacks on ``engine.compile`` through what a graph carries: labels, op names, constants.

A graph can come from someone else (a submission, a file of labels): nothing a
node holds may become a line of the generated code. Each test builds the graph
an attacker would, compiles it, calls it, and asserts what the attacker got:
no code of theirs ran, and the numbers are the honest ones.
"""

import pytest

from engine import Value, compile

RAN: list[str] = []  # the payload appends here if it ever runs


def payload(mark: str) -> str:
    here = "tests.engine.test_compiler_attacks"
    return f"__import__({here!r}, fromlist=['RAN']).RAN.append({mark!r})"


@pytest.fixture(autouse=True)
def nothing_ran():
    RAN.clear()
    yield
    assert RAN == [], f"the attacker's code ran: {RAN}"


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n", "\x0b", "\x0c", "\u2028", "\x85"])
def test_a_label_with_a_line_break_stays_inside_its_comment(newline):
    x = Value(0.5, label=f"x{newline}{payload('input label')}")
    w = Value(2.0, label=f"w{newline}    {payload('indented')}")
    hidden = x * w
    hidden.label = f"h{newline}{payload('interior label')}"
    root = hidden.tanh()
    root.label = f"o{newline}{payload('root label')}"
    f = compile(root, [x, w], mode="code")
    assert f([0.5, 2.0])[0] == root.data
    for line in f.source.splitlines():
        code = line.split("#", 1)[0]
        assert "RAN" not in code and "__import__" not in code
    # The label is still there to read, on its own line's comment, escaped.
    escaped = newline.encode("unicode_escape").decode("ascii")
    assert f"# x{escaped}__import__" in f.source


def test_a_float_subclass_whose_repr_is_code_is_written_as_its_number():
    class Forged(float):
        def __repr__(self):
            return payload("repr")

    x = Value(1.5)
    constant = Value(2.0)
    constant.data = Forged(2.0)
    f = compile(x * constant + 1.0, [x], mode="code")
    assert f([3.0]) == (7.0, [2.0])
    assert "__import__" not in f.source and "2.0" in f.source


@pytest.mark.parametrize("mode", ["code", "tape"])
def test_a_constant_that_holds_no_float_is_an_error_naming_it(mode):
    x = Value(1.5)
    constant = Value(2.0, label="scale")
    root = x * constant
    constant.data = f"2.0) or {payload('data')} or (1"  # after the graph was built
    with pytest.raises(TypeError, match="constant 'scale'.*holds str, not a float"):
        compile(root, [x], mode=mode)


def test_an_op_name_never_reaches_the_code():
    x = Value(1.0)
    forged = Value(2.0, (x,), (1.0,), f"tanh\n{payload('op name')}")
    with pytest.raises(NotImplementedError, match="no rule for op"):
        compile(forged, [x])
    family = Value(2.0, (x,), (1.0,), f"leaky_relu(0.1)\n{payload('family')}")
    with pytest.raises(NotImplementedError, match="no rule for op"):
        compile(family, [x])
