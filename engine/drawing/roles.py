"""The role of each node in a drawing, its colour, and the legend.

How roles are told apart (a graph alone cannot say what is data and what is
learnt, so explicit arguments win and the rest follows a convention):

- ``output``: the root of the drawing;
- ``intermediate``: any other node computed by an operation;
- leaves (no parents):
  - named in ``inputs=`` → ``input``; named in ``parameters=`` → ``parameter``;
  - carrying a ``group`` (``nn`` marks the weights a neuron owns) → ``parameter``;
  - labelled → ``input`` (data such as ``x`` or a target ``y``: name the
    learnt ones in ``parameters=``, as for ``w`` and ``b`` of a lone neuron);
  - unlabelled → ``constant`` (the ``2`` in ``2 * x`` becomes such a leaf).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.drawing.escaping import html_label, html_text
from engine.node import Node

INPUT, PARAMETER, CONSTANT, INTERMEDIATE, OUTPUT = (
    "input", "parameter", "constant", "intermediate", "output"
)
GROUP = "group"
ROLES = (INPUT, PARAMETER, CONSTANT, INTERMEDIATE, OUTPUT)

FILL = {
    INPUT: "#cfe8fc",
    PARAMETER: "#ffe0b2",
    CONSTANT: "#e8e8e8",
    INTERMEDIATE: "#ffffff",
    OUTPUT: "#c8efc8",
    GROUP: "#eadcf8",
}
NOTE_LINE = 80  # characters of notes to a line of the legend
CURRENT_FILL = "#ffd54f"  # the node the backward sweep is at, in step drawings
CURRENT_EDGE = "#d62728"


def assign_roles(
    order: list[Node], inputs: Iterable[Node] = (), parameters: Iterable[Node] = ()
) -> dict[Node, str]:
    """``{node: role}`` for every node of ``order`` (topological, root last).

    ``DrawOptions`` has checked ``inputs`` and ``parameters`` (Values, no
    node in both).
    """
    named_inputs = set(inputs)
    named_parameters = set(parameters)
    roles: dict[Node, str] = {}
    for node in order:
        if node.parents:
            roles[node] = INTERMEDIATE
        elif node in named_inputs:
            roles[node] = INPUT
        elif node in named_parameters or node.group is not None:
            roles[node] = PARAMETER
        elif node.label is not None:
            roles[node] = INPUT
        else:
            roles[node] = CONSTANT
    if order:
        roles[order[-1]] = OUTPUT
    return roles


def legend_label(roles_present: Iterable[str], notes: Iterable[str]) -> str:
    """An HTML-like label: the roles drawn as colour swatches on one line, the notes below."""
    swatches = []
    for role in roles_present:
        swatches.append(
            f'<TD BGCOLOR="{FILL[role]}" BORDER="1" WIDTH="14" HEIGHT="12"> </TD>'
            f'<TD ALIGN="LEFT">{html_text(role)}  </TD>'
        )
    rows = []
    if swatches:
        inner = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">'
        rows.append(f'<TR><TD ALIGN="LEFT">{inner}<TR>{"".join(swatches)}</TR></TABLE></TD></TR>')
    lines: list[str] = []
    for note in notes:  # a few notes to a line, so the caption stays as narrow as the swatches
        if lines and len(lines[-1]) + len(note) < NOTE_LINE:
            lines[-1] += " · " + note
        else:
            lines.append(note)
    for line in lines:
        rows.append(f'<TR><TD ALIGN="LEFT">{html_text(line)}</TD></TR>')
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">'
    return html_label(table + "".join(rows) + "</TABLE>")
