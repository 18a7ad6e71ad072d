"""The engine's implementations an exercise asks students to write, removed from a sandbox.

``make_unavailable`` replaces each (named ``[shown name, "module:qualname"]``)
with a function that refuses, everywhere it is held: in the namespace of
every module, and as an attribute of every class of ``engine`` and ``nn``.
A module not yet imported (``nn.layers`` in a chapter whose files never
import ``nn``) is not imported for it: the removal waits on the import
system (``sys.meta_path``) and is made as soon as the module has run,
before whatever imported it sees a name from it. So a sandbox pays only
for what its student's code imports, and each module is looked through
once for everything removed, not once for each.

``Refusals`` keeps which removed implementations were reached, and which of
them the exercise served does not refuse itself (the judge then grades that
exercise again in a sandbox of its own).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from engine.app.classroom.framing import Malformed
from engine.app.classroom.function_refs import PACKAGES, resolve_reference

if TYPE_CHECKING:
    from importlib.abc import Loader


class Unavailable(RuntimeError):
    """Raised by an engine implementation the exercise asks the student to write.

    Not a NotImplementedError: that would read as the student's own stub.
    """


class Refusals:
    """The implementations removed in this sandbox, and which the exercise served refuses.

    A sandbox may serve several exercises of a chapter with everything any of
    them refuses removed from the start (so no student code ever saw it). A
    removed implementation the current exercise does not refuse is noted in
    ``outside`` when reached: the judge then grades that exercise again in a
    sandbox that removes exactly what it refuses.
    """

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}  # reference -> shown name, for the exercise served
        self.reached: list[str] = []  # shown names reached during the call
        self.outside: list[str] = []  # references reached that the exercise does not refuse
        self.touched: set[str] = set()  # every reference reached, since the sandbox started

    def serve(self, refuses: object) -> None:
        """The ``[shown name, "module:qualname"]`` pairs the next exercise refuses."""
        pairs = refuses if isinstance(refuses, list) else []
        self.shown = {p[1]: p[0] for p in pairs if isinstance(p, list) and len(p) == 2
                      and all(isinstance(x, str) for x in p)}

    def reach(self, reference: str, shown: str) -> str:
        """Note that ``reference`` was called; the name to show for it."""
        self.touched.add(reference)
        if reference not in self.shown:
            if reference not in self.outside:
                self.outside.append(reference)
            return shown
        shown = self.shown[reference]
        if shown not in self.reached:
            self.reached.append(shown)
        return shown


def make_unavailable(references: Sequence[Sequence[str]], refusals: Refusals) -> None:
    """Replace each implementation (``[shown name, "module:qualname"]``) everywhere it is
    held, now in every module loaded and later in each module as it loads."""
    removal = _Removal(refusals)
    for shown, reference in references:
        removal.expect(shown, reference)
    removal.resolve([m for m in removal.waiting if m in sys.modules])
    if removal.waiting:
        sys.meta_path.insert(0, removal)


class _Removal:
    """What is removed (by the original's identity), and what waits for its module: a finder
    on ``sys.meta_path`` (not an ``importlib.abc`` class: importing that module would load
    ``importlib.resources`` and more, a third of a sandbox's start)."""

    def __init__(self, refusals: Refusals) -> None:
        self.refusals = refusals
        self.stubs: dict[int, tuple[object, Callable[..., Any]]] = {}  # id -> (original, stub)
        self.waiting: dict[str, list[tuple[str, str]]] = {}  # module -> [(shown, reference)]

    def expect(self, shown: str, reference: str) -> None:
        module, _, qualname = reference.partition(":")
        if module.split(".")[0] in PACKAGES and qualname:
            self.waiting.setdefault(module, []).append((shown, reference))

    def resolve(self, loaded: Iterable[str]) -> None:
        """Remove what waits for the modules ``loaded`` (run to their end), from every module
        loaded. (One that is still running, importing another, is not done yet.)"""
        found = False
        for module in [m for m in loaded if m in self.waiting]:
            for shown, reference in self.waiting.pop(module):
                try:  # its module loaded: nothing is imported here
                    obj = resolve_reference(reference)
                except Malformed:
                    continue
                self.stubs[id(obj)] = (obj, _refusal(shown, reference, self.refusals))
                found = True
        if found:
            self.replace(list(sys.modules.values()))

    def replace(self, modules: Iterable[ModuleType]) -> None:
        """Put the stubs in place of their originals in ``modules`` and their classes."""
        stubs, classes = self.stubs, set[int]()

        def stub_for(value: object) -> Callable[..., Any] | None:
            entry = stubs.get(id(value))
            return entry[1] if entry is not None and entry[0] is value else None

        for module in modules:
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for name, value in list(namespace.items()):
                stub = stub_for(value)
                if stub is not None:
                    namespace[name] = stub
                elif isinstance(value, type) and id(value) not in classes and str(
                        getattr(value, "__module__", "")).split(".")[0] in ("engine", "nn"):
                    classes.add(id(value))
                    for attribute, held in list(vars(value).items()):
                        stub = stub_for(held)
                        if stub is not None:
                            setattr(value, attribute, stub)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        """A module something waits for loads as usual, then has its removals made."""
        if fullname not in self.waiting:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = cast("Loader", _ThenRemove(spec.loader, self))
                return spec
        return None


class _ThenRemove:
    """A module's own loader, and then the removals that waited for it."""

    def __init__(self, loader: Any, removal: _Removal) -> None:
        self.loader, self.removal = loader, removal

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.removal.resolve([module.__name__])

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, …: the loader's own
        return getattr(self.loader, name)


def _refusal(shown: str, reference: str, refusals: Refusals) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        name = refusals.reach(reference, shown)
        raise Unavailable(f"{name} is not available in this exercise: write it yourself")

    refuse.__name__ = refuse.__qualname__ = shown.rsplit(".", 1)[-1]
    return refuse
