"""Labels are data, never markup: any text is drawn literally by ``dot``.

Hypothesis generates labels full of DOT, HTML and escape syntax (``"``,
``\\``, ``{``, ``}``, ``|``, ``<``, ``>``, ``&``, newlines, control and
non-ASCII characters); each is drawn, rendered by the real ``dot``, and the
SVG must hold exactly the nodes and edges of the graph with the label's text
read back as typed (see ``engine.drawing.dot.displayed_text``).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Value, topological_order
from engine.drawing import draw
from engine.drawing.escaping import displayed_text, html_text
from tests.helpers.drawings import svg_edges, svg_nodes, values_and_ops

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

NASTY = '"\\{}|<>&\n\r\t;[]=-#%$\'/ *'
labels = st.text(
    alphabet=st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")),
    max_size=30,
)


def visible(lines: list[str]) -> list[str]:
    """The lines that show something (Graphviz draws no text for a blank line).

    Graphviz writes runs of spaces with no-break spaces, which ``svg_nodes``
    reads back as spaces: a label's own no-break spaces are compared the same way.
    """
    return [line.replace("\xa0", " ") for line in lines if line.strip()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=labels, second=labels, group=labels)
@example(first='a" shape=box color="red', second="</TD></TR></TABLE>>]; x [label=<", group="\\N")
@example(first="} | { <f0> x", second="&amp; &lt;b&gt; &#92;", group="\\G \\L \\n")
@example(first="line one\nline two", second="日本語 ∂L/∂w 😀 é", group="tab\there")
@example(first="", second=" ", group="\\")
@example(first="", second="]", group="]")  # a text that starts with "]", which Graphviz refused
def test_any_label_is_drawn_literally_and_injects_nothing(first, second, group):
    x = Value(2.0, label=first)
    y = x * 3.0
    y.label = second
    y.op = group  # an op name is text too: drawn literally
    svg = ET.fromstring(draw(y, legend=False).pipe(format="svg", engine="dot"))
    nodes = svg_nodes(svg)
    values, ops = values_and_ops(nodes)
    assert sorted(nodes) == ["op2", "v0", "v1", "v2"]  # nothing injected, nothing lost
    assert len(svg_edges(svg)) == 3
    order = topological_order(y)
    for node, label in ((x, first), (y, second)):
        name = f"v{order.index(node)}"
        texts = values[name]
        assert texts[-2].startswith("data ") and texts[-1].startswith("grad ")
        assert visible(texts[:-2]) == visible(displayed_text(label))
    assert visible(ops["op2"]) == visible(displayed_text(group or "?"))


def test_html_text_escapes_markup_and_backslashes():
    assert html_text('<b>&"\'') == "&lt;b&gt;&amp;&quot;&#39;"
    assert html_text("]a]\n]") == "&#93;a]<BR/>&#93;"  # Graphviz refuses a text starting "]"
    assert html_text("a\\N") == "a\\\\N"
    assert html_text("one\ntwo\r\nthree") == "one<BR/>two<BR/>three"
    assert html_text("\x00\t\x7f\x85") == "\u2400\u2409\u2421\\\\x85"
    assert html_text("∂L/∂w 日本") == "∂L/∂w 日本"
