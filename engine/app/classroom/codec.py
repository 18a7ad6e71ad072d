"""Objects as plain data between the judge and a student's sandboxed process.

The judge (``engine.app.classroom.remote``) and the runner inside the
sandbox (``engine.app.classroom.runner``) exchange JSON lines. What a check
hands to a student's function, and what that function gives back, travels
as a tree of plain values built by one ``Session`` per call, the same code
on both sides:

- numbers, strings, ``None`` and booleans as themselves; tuples, sets and
  numpy arrays by value (``{"T": [...]}``, ``{"S": [...]}``,
  ``{"A": shape, "data": [...]}``);
- lists and dicts by identity (``{"L": id, "items": …}`` the first time,
  ``{"R": id}`` after), so aliasing survives and their contents after the
  call can be sent back and written into the sender's own objects; a list
  of nothing but nodes (a topological order) as ``{"L": id, "nodes":
  packed ids}``;
- graph nodes (``Value``) in a flat node table by columns, parents before
  children, its numbers packed (``engine.app.classroom.node_table``),
  referred to as ``{"N": id}``; a 20,000-link chain is a table, never a
  nested tree;
- objects of a known kind (``engine.app.classroom.kinds``: ``random.Random``,
  ``nn`` modules, the recording model) as ``{"K": id, "kind": name,
  "fields": …}``, re-created on the other side from their fields;
- module-level functions of ``engine`` and ``nn`` by name (``{"G":
  "module:qualname"}``); any other function of the judge's (a lambda a check
  passes to the student's code) as ``{"F": id}``: calling it on the student
  side asks the judge, which runs it on plain data and answers with data;
- anything else as ``{"O": type name, "repr": …}``, which the receiver sees
  as a ``Foreign`` object that a check reports by its type name.

Ids the judge gives are positive, those the student side gives negative.
After the call, the student's side sends back what became of the judge's
objects (``engine.app.classroom.call_state``).
Every decode is bounded (nesting, items, nodes, string length) and raises
``Malformed`` on anything outside the schema: the judge charges that to the
student who sent it, never to the class. The messages travel as one JSON
object a line (``engine.app.classroom.framing``).

The parts, each importing only those listed before it: ``plain_values``
(the limits, numbers, arrays and ``Foreign``), ``shared_objects`` (what each
id stands for during one call), ``function_refs`` (functions by name or by
calling back), ``node_crossing`` (graphs to a node table and back),
``value_tree`` (a value's tree both ways), ``call_state`` (what became of
the other side's objects) and, here, the ``Session`` that ties them to one
call.
"""

from __future__ import annotations

from typing import Any

from engine.app.classroom import call_state, value_tree
from engine.app.classroom.function_refs import RemoteFunction, resolve_reference
from engine.app.classroom.plain_values import Foreign
from engine.app.classroom.shared_objects import SharedObjects

__all__ = ["Foreign", "RemoteFunction", "Session", "resolve_reference"]


class Session(SharedObjects):
    """One call's worth of shared objects, and the messages that carry them.

    ``Session(+1)`` on the judge's side, ``Session(-1, call_back)`` on the
    student's (``SharedObjects`` says what each holds). The work is done in
    the modules named above; a session keeps them to one call's objects.
    """

    def encode(self, value: object) -> dict[str, Any]:
        """``{"nodes": table, "value": tree}``: ``value`` ready for ``json.dumps``."""
        return value_tree.encode(self, value)

    def decode(self, message: object) -> Any:
        """The object a message from ``encode`` on the other side stands for."""
        return value_tree.decode(self, message)

    def remember_nodes(self) -> None:
        """Note the data and grad of every node received, to send back only what changed."""
        call_state.remember_nodes(self)

    @staticmethod
    def nothing_changed() -> dict[str, Any]:
        """The state after a call whose objects could not be read: no change."""
        return call_state.nothing_changed()

    def state_after(self) -> dict[str, Any]:
        """What became of the other side's objects here: nodes, containers, kinds."""
        return call_state.state_after(self)

    def apply_after(self, state: object) -> None:
        """Write the other side's account of our objects into them."""
        call_state.apply_after(self, state)
