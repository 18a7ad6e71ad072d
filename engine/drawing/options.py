"""``DrawOptions``: how a drawing looks, checked once, passed along typed.

``draw``, ``render``, ``backward_steps`` and ``save_backward_animation`` take
an options object, keyword changes to it, or both
(``draw(root, legend=False)`` is ``draw(root, DrawOptions(legend=False))``).
Every field is checked when the object is made, so a mistake is reported by
name before any drawing work starts, and the options reach the code that
builds the picture as one typed value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from engine import arguments
from engine.drawing.escaping import NumberFormat, check_number_format
from engine.node import Node

DEFAULT_MAX_NODES = 1000
# Graphviz's layout time explodes when one node feeds many others far apart
# (a weight shared by every link of a chain): 1,100 ranks spanned lay out in
# about a second, 2,300 in 4 to 25 s, 5,300 in more than a minute.
DEFAULT_MAX_SHARED_SPAN = 1500
COLLAPSE_LEVELS = ("neuron", "layer")
RANKDIRS = ("auto", "LR", "TB")
COLUMN_WIDTH = 1000  # pixels: a notebook's output column, about


@dataclass(frozen=True)
class DrawOptions:
    """Everything ``draw`` can be told.

    ``show_grads`` / ``show_local_grads``: the grad cells / the edge labels.
    ``number_format``: a format spec (``".4g"``) or a function float -> str.
    ``rankdir``: ``"LR"`` (left to right), ``"TB"`` (top to bottom) or
    ``"auto"``: left to right when that fits ``max_width``, else whichever is
    narrower (see ``engine.drawing.layout``). ``max_width``: the widest the
    picture may be, in pixels; Graphviz shrinks it to fit (None: its natural
    size).
    ``number_steps``: number each value by the step at which the backward
    sweep visits it. ``colour_roles`` / ``legend``: fill by role (see
    ``engine.drawing.roles``) and explain the roles drawn in one compact
    line under the picture. ``inputs`` / ``parameters``:
    say which leaves are which. ``collapse``: ``"neuron"`` or ``"layer"``
    draws one box per ``node.group``. ``max_nodes``: refuse to draw more
    nodes than this (None: no limit). ``max_shared_span``: refuse when the
    edges leaving nodes used more than once span more ranks of the drawing
    than this in all (what makes Graphviz slow; None: no limit). ``grads``:
    gradients to show instead of ``node.grad`` (for example from
    ``engine.sweep_gradients``).
    """

    show_grads: bool = True
    show_local_grads: bool = True
    number_format: NumberFormat = ".4g"
    rankdir: str = "auto"
    max_width: int | None = COLUMN_WIDTH
    number_steps: bool = False
    colour_roles: bool = True
    legend: bool = True
    inputs: tuple[Node, ...] = ()
    parameters: tuple[Node, ...] = ()
    collapse: str | None = None
    max_nodes: int | None = DEFAULT_MAX_NODES
    max_shared_span: int | None = DEFAULT_MAX_SHARED_SPAN
    grads: Mapping[Node, float] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("show_grads", "show_local_grads", "number_steps", "colour_roles", "legend"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.rankdir not in RANKDIRS:
            raise ValueError(
                f"rankdir must be 'LR' (left to right), 'TB' (top to bottom) or 'auto' "
                f"(chosen by the graph's shape), got {self.rankdir!r}"
            )
        if self.collapse is not None and self.collapse not in COLLAPSE_LEVELS:
            raise ValueError(f"collapse must be 'neuron', 'layer' or None, got {self.collapse!r}")
        for name in ("max_nodes", "max_shared_span"):
            if getattr(self, name) is not None:
                limit = arguments.integer(getattr(self, name), name, minimum=1,
                                       what="a positive int or None")
                object.__setattr__(self, name, limit)
        if self.max_width is not None:
            object.__setattr__(
                self, "max_width", arguments.integer(self.max_width, "max_width", minimum=100)
            )
        for name in ("inputs", "parameters"):
            object.__setattr__(self, name, _nodes(getattr(self, name), name))
        if set(self.inputs) & set(self.parameters):
            both = len(set(self.inputs) & set(self.parameters))
            raise ValueError(
                f"{both} node(s) are in both inputs= and parameters=; give each node one role"
            )
        if self.grads is not None and not isinstance(self.grads, Mapping):
            raise TypeError(
                f"grads must be a dict {{node: gradient}}, got {type(self.grads).__name__}"
            )
        self.formatter  # noqa: B018  # check number_format now, not at the first number

    @cached_property
    def formatter(self) -> Callable[[float], str]:
        """``number_format`` as a function float -> str."""
        return check_number_format(self.number_format)

    def grad_of(self, node: Node) -> float:
        """The gradient to show for ``node``: from ``grads`` if given, else ``node.grad``."""
        if self.grads is None:
            return node.grad
        return self.grads.get(node, node.grad)

    @classmethod
    def of(cls, options: DrawOptions | None, changes: Mapping[str, object]) -> DrawOptions:
        """``options`` (or the defaults) with ``changes`` applied, every name checked."""
        if options is not None and not isinstance(options, DrawOptions):
            raise TypeError(
                f"options must be a DrawOptions, got {type(options).__name__}; "
                "or pass the options as keywords, e.g. draw(root, legend=False)"
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(
                f"unknown drawing option(s) {', '.join(map(repr, unknown))}; "
                f"the options are: {', '.join(sorted(known))}"
            )
        base = options if options is not None else cls()
        return dataclasses.replace(base, **changes) if changes else base  # type: ignore[arg-type]


def _nodes(nodes: Iterable[Node] | Node | None, name: str) -> tuple[Node, ...]:
    """A tuple of nodes from None, one node or an iterable of them."""
    if nodes is None:
        return ()
    if isinstance(nodes, Node):
        return (nodes,)
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, Iterable):
        raise TypeError(f"{name} must be a list of Values, got {type(nodes).__name__}")
    chosen = tuple(nodes)
    for node in chosen:
        if not isinstance(node, Node):
            raise TypeError(f"{name} must hold Values, got {type(node).__name__}")
    return chosen
