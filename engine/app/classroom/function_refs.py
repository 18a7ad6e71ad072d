"""Functions crossing between the judge and the sandbox: by name, or by calling back.

A module-level function of ``engine``, ``nn`` or ``math`` crosses by name
(``{"G": "module:qualname"}``) and is looked up again on the student's side;
the judge resolves no name a student sends. Any other function of the
judge's (a lambda a check passes to the student's code) crosses as ``{"F":
id}``, and the student's side holds a ``RemoteFunction`` for it: calling it
asks the judge, which runs the function on plain data and answers with data.
"""

from __future__ import annotations

import importlib
from typing import Any

from engine.app.classroom.framing import Malformed
from engine.app.classroom.shared_objects import SharedObjects

PACKAGES = ("engine", "nn", "math")  # the only modules a function may be named from


class RemoteFunction:
    """A judge function as the student side sees it: calling it asks the judge."""

    def __init__(self, wire: int, session: SharedObjects) -> None:
        self.wire, self.session = wire, session

    def __call__(self, *args: Any) -> Any:
        if self.session.call_back is None:
            raise RuntimeError("this function of the checks can only be called during the call")
        return self.session.call_back(self.wire, args)

    def __repr__(self) -> str:
        return "<function of the checks>"


def reference_of(function: object) -> str:
    """``module:qualname`` for a module-level function of engine or nn, else ""."""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return ""
    if module.split(".")[0] not in PACKAGES:
        return ""
    try:
        found = resolve_reference(f"{module}:{qualname}")
    except Malformed:
        return ""
    return f"{module}:{qualname}" if found is function else ""


def resolve_reference(reference: object) -> Any:
    """The function ``module:qualname`` names, from engine, nn or math only."""
    if not isinstance(reference, str) or reference.count(":") != 1:
        raise Malformed("a function reference is 'module:qualname'")
    module_name, qualname = reference.split(":")
    if module_name.split(".")[0] not in PACKAGES:
        raise Malformed(f"{module_name} is not a module functions may come from")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise Malformed(f"no function {reference}") from None
    return obj
