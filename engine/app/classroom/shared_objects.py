"""One call's worth of shared objects: what each wire id stands for on this side.

The judge and the sandboxed runner name every object that crosses by
identity (lists, dicts, graph nodes, objects of a kind, the judge's
functions) with a wire id: positive when the judge gave it, negative when
the student's side did. ``SharedObjects`` keeps both directions of that
naming for one call, and what the other side sent, so the state after the
call (``engine.app.classroom.call_state``) can say what became of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.app.classroom.framing import Malformed
from engine.node import Node


class SharedObjects:
    """What each id stands for on this side during one call.

    ``sign`` is +1 on the judge's side, -1 on the student's. ``call_back`` is
    how a judge function (``{"F": id}``) is called from this side; the judge
    side has none, as it never receives one it did not send.
    """

    def __init__(self, sign: int, call_back: Callable[[int, tuple], Any] | None = None) -> None:
        self.sign = sign
        self.call_back = call_back
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> wire id
        self.next_id = 1
        self.received: list[int] = []  # mutable objects the other side sent, by wire id
        self.nodes_received: list[Node] = []  # the other side's nodes, as received
        self.node_state: tuple[list[Any], list[Any]] = ([], [])  # their data and grads then

    def name(self, obj: object) -> tuple[int, bool]:
        """``obj``'s wire id, and whether it was named just now."""
        key = id(obj)
        known = self.ids.get(key)
        if known is not None:
            return known, False
        wire = self.sign * self.next_id
        self.next_id += 1
        self.ids[key] = wire
        self.objects[wire] = obj
        return wire, True

    def bind(self, wire: int, obj: object) -> None:
        """``obj`` is what the other side's ``wire`` stands for here."""
        self.objects[wire] = obj
        self.ids[id(obj)] = wire

    def new_id(self, wire: object) -> int:
        """``wire``, checked to be an id the other side has not used yet."""
        if not isinstance(wire, int) or wire * self.sign >= 0 or wire in self.objects:
            raise Malformed(f"id {wire!r} is not a new id of the other side")
        return wire
