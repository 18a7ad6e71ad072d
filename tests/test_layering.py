"""The layout, read from the code's own imports (with ``ast``, nothing is run).

Three layers, imports in one direction:

- the core, ``engine`` without ``engine.app``: never imports ``nn`` or the app;
- ``nn``: imports the core through the public ``engine`` package only
  (``from engine import Value``), never a module inside it, never the app;
- the app, ``engine.app``: may import both.

Inside the engine, its parts (``engine/__init__.py`` draws the tree):

- the core, the modules at the top of ``engine/``, imports none of the
  folders ``methods``, ``higher``, ``compiler``, ``drawing``;
- each of those folders imports the core, never another folder (one that
  needs another's function asks the public ``engine`` package for it).

And no import cycles between modules, counting imports placed inside
functions (a package's ``__init__`` re-exporting its own modules is its
facade, not a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "nn")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files[module_name(path)] = path
    return files


MODULES = source_files()


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def resolve(name: str) -> str | None:
    """The project module ``name`` refers to (a module, or the package it is in)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str) -> list[tuple[str, int, str]]:
    """``(imported module, line, written as)`` for every import in the module, anywhere in it."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = resolve(alias.name)
                if target:
                    found.append((target, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # ``from engine import arguments`` imports the module engine.arguments.
                target = resolve(f"{source}.{alias.name}") if f"{source}.{alias.name}" in MODULES \
                    else resolve(source)
                if target:
                    found.append((target, node.lineno, f"from {source} import {alias.name}"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant):
                target = resolve(str(node.args[0].value))
                if target:
                    found.append((target, node.lineno, f"import_module({node.args[0].value!r})"))
    return [(target, line, text) for target, line, text in found if target != name]


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> str:
    if name == "engine.app" or name.startswith("engine.app."):
        return "app"
    if name.split(".")[0] == "nn":
        return "nn"
    return "core"


PARTS = ("engine.methods", "engine.higher", "engine.compiler", "engine.drawing")


def part(name: str) -> str | None:
    """The engine folder a module belongs to; None for the core (and the package itself)."""
    for folder in PARTS:
        if name == folder or name.startswith(folder + "."):
            return folder
    return None


@pytest.mark.parametrize("name", [n for n in MODULES if layer(n) == "core" and n != "engine"])
def test_the_core_imports_no_part_and_no_part_imports_another(name: str):
    mine = part(name)
    wrong = [f"line {line}: {text} ({target})" for target, line, text in GRAPH[name]
             if part(target) not in (None, mine)]
    where = "the core" if mine is None else mine
    assert not wrong, f"{MODULES[name].relative_to(ROOT)} ({where}) reaches into a part: {wrong}"


def test_the_parts_rule_sees_a_wrong_import():
    GRAPH["engine.methods.naive"].append(("engine.compiler.codegen", 0, "planted"))
    GRAPH["engine.graph"].append(("engine.higher.gradient_graph", 0, "planted"))
    try:
        with pytest.raises(AssertionError, match="engine.compiler"):
            test_the_core_imports_no_part_and_no_part_imports_another("engine.methods.naive")
        with pytest.raises(AssertionError, match="the core"):
            test_the_core_imports_no_part_and_no_part_imports_another("engine.graph")
    finally:
        GRAPH["engine.methods.naive"].pop()
        GRAPH["engine.graph"].pop()


def test_the_tree_is_read():
    assert {"engine", "engine.value", "engine.graph", "engine.app.cli", "nn", "nn.fitting"} <= set(
        MODULES
    )
    assert "engine.graph" in {target for target, _, _ in GRAPH["engine.backward"]}
    assert "nn" in {target for target, _, _ in GRAPH["engine.app.demonstration"]}


@pytest.mark.parametrize("name", [n for n in MODULES if layer(n) == "core"])
def test_the_core_imports_neither_nn_nor_the_app(name: str):
    wrong = [f"line {line}: {text}" for target, line, text in GRAPH[name]
             if layer(target) != "core"]
    assert not wrong, f"{MODULES[name].relative_to(ROOT)} reaches up: {wrong}"


@pytest.mark.parametrize("name", [n for n in MODULES if layer(n) == "nn"])
def test_nn_uses_the_public_engine_package_only(name: str):
    wrong = [
        f"line {line}: {text}"
        for target, line, text in GRAPH[name]
        if layer(target) == "app"
        or (layer(target) == "core" and target != "engine" and not text.startswith("from engine "))
    ]
    assert not wrong, f"{MODULES[name].relative_to(ROOT)} reaches into engine: {wrong}"


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively).

    A package's edges to its own submodules are left out: ``__init__`` is the
    facade that re-exports them, and every submodule import passes through it.
    """
    edges = {
        name: sorted({
            target for target, _, _ in GRAPH[name]
            if not (is_package(name) and target.startswith(name + "."))
            and not (is_package(target) and name.startswith(target + "."))
        })
        for name in MODULES
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for start in MODULES:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            for nxt in pending:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_no_two_modules_import_each_other_even_inside_functions():
    assert cycles() == []


def test_the_cycle_finder_finds_a_cycle():
    GRAPH["engine.ieee"].append(("engine.value", 0, "planted"))
    try:
        assert any({"engine.ieee", "engine.value"} <= set(c) for c in cycles())
    finally:
        GRAPH["engine.ieee"].pop()


def test_every_module_opens_with_a_docstring():
    missing = [
        str(path.relative_to(ROOT))
        for path in MODULES.values()
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert not missing


# --- the tests' own imports ---------------------------------------------------------


def imports_of_test_files(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``path`` of a test file or a conftest."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            last = name.split(".")[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                found.append((node.lineno, name))
    return found


def test_no_test_file_imports_another():
    """Shared helpers live in ``tests/helpers``: importing a test module would collect
    its tests a second time and run its skips where they do not belong."""
    wrong = [f"{path.relative_to(ROOT)} line {line}: {name}"
             for path in sorted((ROOT / "tests").rglob("*.py"))
             for line, name in imports_of_test_files(path)]
    assert not wrong, f"import these from tests.helpers instead: {wrong}"


def test_an_import_of_a_test_file_is_seen(tmp_path: Path):
    planted = tmp_path / "test_planted.py"
    planted.write_text("import tests.helpers\n"
                       "from tests.engine.drawing.test_draw import svg_nodes\n"
                       "def f():\n    from tests.app import test_cli\n", encoding="utf-8")
    assert imports_of_test_files(planted) == [
        (2, "tests.engine.drawing.test_draw"), (4, "tests.app.test_cli")]


# --- file names -------------------------------------------------------------------------

# Modules that keep another library's module names on purpose: ``engine.compat.micrograd``
# reads as ``micrograd`` does (``micrograd.engine``, ``micrograd.nn``), so code written
# for it runs with one import changed.
MIRRORED_NAMES = {"engine.compat.micrograd.engine", "engine.compat.micrograd.nn"}


def file_name_clashes(modules: dict[str, Path]) -> dict[str, list[str]]:
    """Modules (and packages) of the library by their last name, where two or more share it."""
    by_name: dict[str, list[str]] = {}
    for name in modules:
        if name not in MIRRORED_NAMES and "." in name:
            by_name.setdefault(name.rpartition(".")[2], []).append(name)
    return {last: names for last, names in sorted(by_name.items()) if len(names) > 1}


def test_no_two_modules_share_a_file_name():
    """``graph.py`` in two places makes every mention of it ambiguous: each name says
    what its module holds, across ``engine``, ``nn`` and the app."""
    assert file_name_clashes(MODULES) == {}


def test_a_file_name_clash_is_seen():
    planted = {**MODULES, "nn.graph": ROOT / "nn" / "graph.py", "engine.app.drawing":
               ROOT / "engine" / "app" / "drawing.py"}
    assert file_name_clashes(planted) == {"drawing": ["engine.drawing", "engine.app.drawing"],
                                          "graph": ["engine.graph", "nn.graph"]}


def test_the_activations_are_listed_once():
    """``nn.ACTIVATIONS`` maps each activation's name to its function; the checks and the
    matrix form take the names from it rather than keeping a dict of their own."""
    defining = [name for name, path in MODULES.items()
                for node in ast.parse(path.read_text(encoding="utf-8")).body
                if isinstance(node, (ast.Assign, ast.AnnAssign))
                and "ACTIVATIONS" in {t.id for t in (node.targets if isinstance(node, ast.Assign)
                                                     else [node.target])
                                      if isinstance(t, ast.Name)}]
    assert defining == ["nn.activations"]


NODE_SLOTS = {"_a", "_b", "_da", "_db", "_names"}
# The node module; its __del__, kept apart; and the loops run once per node of every
# graph, which read the slots rather than call engine.node.operands (its docstring says
# why): the traversal, the sweep, and the classroom codec's encoding of the judge's graphs
# as node tables (by columns, for graphs of 10^5 nodes).
SLOT_READERS = {"engine.node", "engine.freeing", "engine.graph", "engine.backward",
                "engine.app.classroom.node_crossing"}


def slot_readers(modules: dict[str, Path]) -> set[str]:
    """Modules that touch a node's private slots (on anything but their own ``self``)."""
    return {name for name, path in modules.items()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr in NODE_SLOTS
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")}


def test_only_the_node_module_and_the_two_hot_loops_read_a_nodes_slots(tmp_path: Path):
    assert slot_readers(MODULES) <= SLOT_READERS
    planted = tmp_path / "planted.py"
    planted.write_text("def shape(node):\n    return node._b\n", encoding="utf-8")
    assert slot_readers({"planted": planted}) == {"planted"}
