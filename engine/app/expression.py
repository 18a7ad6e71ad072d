"""Expressions typed by a user, parsed safely into a graph of ``Value``s.

``build_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88})`` parses
the text with ``ast`` and builds the graph from a whitelist; nothing is ever
passed to ``eval``. Allowed:

- numbers (int or float literals) and variable names given a value;
- ``+ - * / **`` and unary ``-``/``+``;
- calls of the functions in ``FUNCTIONS`` by name (``tanh(x)``,
  ``leaky_relu(x, 0.1)``, ``maximum(x, y)``).

Anything else (attribute access, ``__import__``, lambdas, subscripts,
comparisons, strings, keyword arguments, ...) raises a ValueError naming it.
Each variable becomes one labelled leaf, so ``x*x`` uses the same node twice.
The tree is walked with an explicit stack, not recursion.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from numbers import Real
from typing import Any, NamedTuple

from engine import Value

MAX_LENGTH = 10_000


class Function(NamedTuple):
    """A function an expression may call: how many arguments, and which may be variables."""

    apply: Callable[..., Value]
    fewest: int
    most: int
    # False: only the first argument may be a variable (leaky_relu's alpha is a number).
    variables_anywhere: bool = False


FUNCTIONS = {
    "exp": Function(Value.exp, 1, 1),
    "log": Function(Value.log, 1, 1),
    "sqrt": Function(Value.sqrt, 1, 1),
    "tanh": Function(Value.tanh, 1, 1),
    "sigmoid": Function(Value.sigmoid, 1, 1),
    "relu": Function(Value.relu, 1, 1),
    "leaky_relu": Function(Value.leaky_relu, 1, 2),  # leaky_relu(x) or leaky_relu(x, alpha)
    "silu": Function(Value.silu, 1, 1),
    "abs": Function(Value.abs, 1, 1),
    "sin": Function(Value.sin, 1, 1),
    "cos": Function(Value.cos, 1, 1),
    "log1p": Function(Value.log1p, 1, 1),
    "expm1": Function(Value.expm1, 1, 1),
    "maximum": Function(Value.maximum, 2, 2, variables_anywhere=True),
    "minimum": Function(Value.minimum, 2, 2, variables_anywhere=True),
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: lambda a: -a, ast.UAdd: lambda a: a}

_ALLOWED = "numbers, variables, + - * / **, unary -, and " + ", ".join(FUNCTIONS)

_DESCRIPTIONS = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[b])",
    ast.Lambda: "lambda",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.Starred: "* unpacking",
    ast.NamedExpr: ":=",
}


def _reject(node: ast.AST, what: str | None = None) -> ValueError:
    kind = what or _DESCRIPTIONS.get(type(node), type(node).__name__)
    column = getattr(node, "col_offset", None)
    where = f" at column {column + 1}" if column is not None else ""
    return ValueError(f"{kind}{where} is not allowed in an expression; allowed: {_ALLOWED}")


def parse(text: str) -> ast.expr:
    """The syntax tree of ``text``, or a ValueError saying what is wrong."""
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the expression has {len(text)} characters, more than {MAX_LENGTH}")
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"cannot parse {text!r}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError("the expression is nested too deeply to parse") from None


def variable_names(text: str) -> list[str]:
    """The variables of ``text`` in order of first appearance (function names excluded)."""
    names: list[str] = []
    stack: list[ast.AST] = [parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in names:
            names.append(node.id)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return names


def _number(node: ast.Constant) -> float:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _reject(node, f"the constant {value!r}")
    try:
        return float(value)
    except OverflowError:
        digits = len(str(abs(value)))
        raise ValueError(
            f"the number at column {node.col_offset + 1} has {digits} digits, too large for a "
            "float (at most about 1.8e308)"
        ) from None


def _children(node: ast.expr) -> list[ast.expr]:
    """The operands of an allowed node, checking it is allowed."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _reject(node, f"the operator {type(node.op).__name__}")
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise _reject(node, f"the operator {type(node.op).__name__}")
        return [node.operand]
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = (f"calling {node.func.id!r}" if isinstance(node.func, ast.Name)
                    else "calling anything but a function name")
            raise _reject(node, what)
        if node.keywords:
            raise _reject(node, "keyword arguments")
        function = FUNCTIONS[node.func.id]
        fewest, most = function.fewest, function.most
        if not fewest <= len(node.args) <= most:
            count = str(most) if fewest == most else f"{fewest} to {most}"
            raise ValueError(
                f"{node.func.id}() takes {count} argument(s), got {len(node.args)}"
            )
        return list(node.args)
    if isinstance(node, (ast.Name, ast.Constant)):
        return []
    raise _reject(node)


def build_expression(text: str, values: Mapping[str, float]) -> Value:
    """The ``Value`` that ``text`` computes, with each variable a labelled leaf."""
    tree = parse(text)
    leaves: dict[str, Value] = {}
    results: list[Value | float] = []
    # Post-order walk: a node is pushed, then its children; on its second
    # visit its children's results are on ``results`` and it combines them.
    stack: list[tuple[ast.expr, bool]] = [(tree, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done:
            children = _children(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        if isinstance(node, ast.Constant):
            results.append(_number(node))
        elif isinstance(node, ast.Name):
            results.append(_variable(node, values, leaves))
        elif isinstance(node, ast.BinOp):
            right, left = results.pop(), results.pop()
            if not isinstance(left, Value) and not isinstance(right, Value):
                left = Value(left)  # two numbers: keep the constant in the graph
            results.append(_BINARY[type(node.op)](left, right))
        elif isinstance(node, ast.UnaryOp):
            operand = results.pop()
            if isinstance(operand, float) and isinstance(node.op, ast.USub):
                results.append(-operand)  # a negative literal stays a number
            else:
                results.append(_UNARY[type(node.op)](operand))
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # _children
            count = len(node.args)
            arguments = results[-count:]
            del results[-count:]
            function = FUNCTIONS[node.func.id]
            first = arguments[0] if isinstance(arguments[0], Value) else Value(arguments[0])
            rest = arguments[1:]
            if not function.variables_anywhere and any(isinstance(a, Value) for a in rest):
                raise ValueError(f"{node.func.id}(): only the first argument may be a variable")
            results.append(function.apply(first, *rest))
    result = results.pop()
    return result if isinstance(result, Value) else Value(result)


def _variable(node: ast.Name, values: Mapping[str, float], leaves: dict[str, Value]) -> Value:
    name = node.id
    if name in FUNCTIONS:
        raise ValueError(f"{name} is a function: call it, as in {name}(x)")
    if name in leaves:
        return leaves[name]
    if name not in values:
        raise ValueError(f"{name!r} has no value: give it one, for example --set {name}=1.5")
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"the value of {name!r} must be a number, got {type(value).__name__}")
    leaves[name] = Value(float(value), label=name)
    return leaves[name]
