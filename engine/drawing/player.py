"""A player for the backward sweep (and the forward pass) in a notebook's output.

``play_backward(root)`` returns a ``Player``; shown in Jupyter (its
``_repr_html_``), it is one self-contained piece of HTML: the graph drawn
once by Graphviz as SVG, the steps as data, and a little JavaScript
(``player.js``) with previous / next / play-pause / a slider / reset that
restyles and relabels that one SVG per step, so nothing moves but the
numbers. Nothing goes back to the kernel and no widget library is needed,
so the same output plays in JupyterLab, classic Notebook, VS Code, an
exported HTML file and nbviewer. Where scripts are stripped (a code host's
preview, an untrusted notebook) the SVG alone remains: the finished sweep,
every gradient filled in and every edge showing its product.

Each backward step (``engine.drawing.trace``, from ``engine.graph``'s
``topological_order`` and ``backward_edges``) highlights the node visited
and the edges it passes gradient along, each labelled

    local derivative × upstream gradient = contribution

while the running sums at fan-out nodes fill in term by term (grey until
the last term is in). ``play_forward(root)`` shows the values appearing in
topological order instead; ``play_backward(root, quiz=True)`` hides each
next gradient until the student has typed it, then says right or wrong
with the correct value and its chain-rule sum.

Every text that changes is padded (in a monospace font) to its longest
state before Graphviz lays the graph out, so each fits the room it was
given. What each step changes is worked out in ``engine.drawing.player_steps``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import itertools
import json
import os
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

from engine.drawing import roles as role_rules
from engine.drawing.escaping import html_text
from engine.drawing.options import DrawOptions
from engine.drawing.picture import MONOSPACE, GradCell, build_full
from engine.drawing.player_steps import BackwardScript, ForwardScript, State
from engine.graph import require_node, topological_order
from engine.node import Node

DEFAULT_MAX_STEPS = 60
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
PAD = "\u00a0"  # a no-break space: Graphviz and browsers keep it, so widths hold
# What the player's colours mean, in the legend (backward, or forward).
PLAYER_NOTES = {
    True: ("yellow: the node the sweep visits",
           "red: the edges it passes gradient along, local × upstream = contribution",
           "grey: a sum still waiting for terms"),
    False: ("yellow: the node computed at this step", "grey ?: not computed yet"),
}
_players = itertools.count(1)  # tells apart two identical players on one page


@dataclasses.dataclass
class Player:
    """A backward (or forward, or quiz) player for one graph; Jupyter shows it.

    ``steps`` holds, for each step, what it changes: plain data, for tests
    and for ``player.js``. ``html()`` is the output; ``save(path)`` writes
    it as a page of its own.
    """

    mode: str
    svg: str  # the finished picture, tagged for player.js
    source: str  # its DOT text, for the still PNG
    start: dict[str, State]  # every changing text before the first step
    steps: list[dict[str, object]]
    uid: str

    def data(self) -> dict[str, object]:
        return {"mode": self.mode, "start": self.start, "steps": self.steps}

    def html(self) -> str:
        """The player: the SVG, a static caption, the style and the script."""
        data = json.dumps(self.data(), ensure_ascii=False, separators=(",", ":"))
        script = _asset("player.js")
        style = _asset("player.css").replace(".sweepgrad-player", f"#{self.uid}")
        note = {
            "backward": "The finished backward sweep: every gradient, and on each edge "
                        "local derivative × upstream gradient = contribution.",
            "forward": "The finished forward pass: every value.",
            "quiz": "The finished backward sweep (the quiz needs JavaScript).",
        }[self.mode]
        picture = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        # "</" cannot appear inside a script element; JSON allows "<\/" for it.
        payload = data.replace("</", "<\\/")
        return (
            f'<div class="sweepgrad-player" id="{self.uid}" data-mode="{self.mode}">'
            f"<style>{style}</style>"
            # An image, not inline SVG: sanitizers that strip <svg> keep it as a picture.
            # The script swaps in the SVG itself, to restyle it step by step.
            f'<div class="sgp-figure"><img class="sgp-still" alt="{html.escape(note)}" '
            f'style="max-width:100%" src="data:image/svg+xml;base64,{picture}"></div>'
            f'<div class="sgp-static">{html.escape(note)} Run the cell in Jupyter to step '
            "through it.</div>"
            f"<script>(function () {{\n{script}\n"
            f"sweepgradPlayer(document.currentScript, {json.dumps(self.uid)}, {payload});\n"
            "})();</script></div>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None
                          ) -> dict[str, str]:
        """The player, and the finished picture as a PNG for front ends that will not run
        the player's HTML (JupyterLab shows the PNG for a notebook it does not trust); in
        the browser, where no PNG can be made, as the SVG it already holds."""
        from engine.drawing import browser_graphviz
        from engine.drawing.renderer import render_bytes

        text = f"<sweepgrad {self.mode} player: {len(self.steps)} steps>"
        if browser_graphviz.IN_BROWSER:
            return {"text/html": self.html(), "image/svg+xml": self.svg, "text/plain": text}
        png = base64.b64encode(render_bytes(self.source, "png")).decode("ascii")
        return {"text/html": self.html(), "image/png": png, "text/plain": text}

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player as a standalone HTML page; returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>sweepgrad: {self.mode}</title></head>"
            f'<body style="max-width:1000px;margin:1em auto;font-family:sans-serif">'
            f"{self.html()}</body></html>\n"
        )
        path.write_text(page, encoding="utf-8")
        return path


def _asset(name: str) -> str:
    return resources.files("engine.drawing").joinpath(name).read_text(encoding="utf-8")


def play_backward(
    root: Node, options: DrawOptions | None = None, *, quiz: bool = False, **changes: object
) -> Player:
    """Step through the backward sweep from ``root``; ``quiz=True`` asks for each gradient.

    Takes the options of ``draw`` (``max_nodes`` defaults to
    ``DEFAULT_MAX_STEPS``: a player is for small graphs). Needs a Graphviz
    program to lay the graph out (see ``engine.drawing.renderer``).
    """
    if not isinstance(quiz, bool):
        raise TypeError(f"quiz must be True or False, got {quiz!r}")
    return _build(root, options, changes, "quiz" if quiz else "backward")


def play_forward(root: Node, options: DrawOptions | None = None, **changes: object) -> Player:
    """Step through the forward pass to ``root``: values appear in topological order."""
    return _build(root, options, changes, "forward")


# --- the steps as data --------------------------------------------------------------


def _build(root: Node, options: DrawOptions | None, changes: dict[str, object],
           mode: str) -> Player:
    require_node(root, f"play_{'forward' if mode == 'forward' else 'backward'}(root)")
    if options is None:
        changes = {"max_nodes": DEFAULT_MAX_STEPS, **changes}
    chosen = dataclasses.replace(DrawOptions.of(options, changes), number_steps=False,
                                 show_grads=mode != "forward", show_local_grads=True)
    order = topological_order(root)
    if chosen.max_nodes is not None and len(order) > chosen.max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, so the player would have {len(order)} steps, "
            f"more than max_nodes={chosen.max_nodes}: a player is for small graphs (a neuron, "
            f"a loss). Draw a smaller example, or pass max_nodes={len(order)}."
        )
    names = {node: f"v{index}" for index, node in enumerate(order)}
    script = (ForwardScript if mode == "forward" else BackwardScript)(order, names, chosen, mode)
    states = script.states()
    padded = _pad(states)
    final = {key: padded[key][-1] for key in padded}
    svg, source = _lay_out(order, names, chosen, final, mode != "forward")
    start = {key: (padded[key][0][0], padded[key][0][1]) for key in padded}
    steps = script.steps(padded)
    digest = hashlib.sha1((svg + json.dumps(steps)).encode("utf-8")).hexdigest()[:10]
    return Player(mode, svg, source, start, steps, f"sweepgrad-{digest}-{next(_players)}")


def _pad(states: dict[str, list[State]]) -> dict[str, list[State]]:
    """Every state of each text padded to the longest one (so the layout has room for all)."""
    padded = {}
    for key, sequence in states.items():
        width = max(len(text) for text, _ in sequence)
        padded[key] = [(text.ljust(width, PAD), style) for text, style in sequence]
    return padded


# --- the picture, laid out once --------------------------------------------------------


def _lay_out(order: list[Node], names: dict[Node, str], options: DrawOptions,
             final: dict[str, State], backward: bool) -> tuple[str, str]:
    """The SVG of the finished state, every changing text and element tagged for the script,
    and its DOT source."""
    from engine.drawing.renderer import render_svg

    role_of = role_rules.assign_roles(order, options.inputs, options.parameters)
    cells = None
    if backward:
        cells = {node: GradCell(final[f"{names[node]}.grad"][0],
                                final.get(f"{names[node]}.sum", ("", ""))[0])
                 for node in order}
    data_texts = {node: final[f"{names[node]}.data"][0] for node in order
                  if f"{names[node]}.data" in final}
    edge_labels = {}
    for node in order:
        labels = []
        for position in range(len(node.parents)):
            key = f"{names[node]}.e{position}"
            lines = [final[f"{key}.a"][0]] + ([final[f"{key}.b"][0]] if backward else [])
            labels.append("<BR/>".join(f'<FONT FACE="{MONOSPACE}">{html_text(line)}</FONT>'
                                       for line in lines))
        edge_labels[node] = labels
    dot = build_full(order, role_of, cells, options, data_texts=data_texts,
                     edge_labels=edge_labels, legend_notes=PLAYER_NOTES[backward])
    return _tag(render_svg(dot), order, names, final), dot.source


def _tag(svg_text: str, order: list[Node], names: dict[Node, str],
         final: dict[str, State]) -> str:
    """Mark the SVG's groups and texts with ``data-sg`` keys the script looks up."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    svg = ET.fromstring(svg_text)
    title_tag, text_tag = f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}text"
    groups: dict[str, list[ET.Element]] = {}
    for group in svg.iter(f"{{{SVG_NS}}}g"):
        title = group.find(title_tag)
        if title is not None and title.text:
            groups.setdefault(title.text, []).append(group)
    for index, node in enumerate(order):
        name = names[node]
        value = groups[name][0]
        value.set("data-sg", name)
        texts = list(value.iter(text_tag))
        # The changing cells are the last ones: data, then grad and its sum if drawn.
        keys = [k for k in (f"{name}.data", f"{name}.grad", f"{name}.sum") if k in final]
        if f"{name}.data" not in final:
            keys.insert(0, "")  # the data cell does not change in a backward player
        for key, text in zip(keys, texts[len(texts) - len(keys):], strict=True):
            if key:
                text.set("data-sg", key)
        if not node.parents:
            continue
        groups[f"op{index}"][0].set("data-sg", f"op{index}")
        groups[f"op{index}->{name}"][0].set("data-sg", f"{name}.out")
        seen: dict[str, int] = {}
        for position, parent in enumerate(node.parents):
            edge_title = f"{names[parent]}->op{index}"
            edge = groups[edge_title][seen.get(edge_title, 0)]  # x * x: two edges, one title
            seen[edge_title] = seen.get(edge_title, 0) + 1
            key = f"{name}.e{position}"
            edge.set("data-sg", key)
            for line, text in zip(("a", "b"), edge.iter(text_tag)):
                if f"{key}.{line}" in final:
                    text.set("data-sg", f"{key}.{line}")
    svg.set("class", "sgp-svg")
    return ET.tostring(svg, encoding="unicode")
