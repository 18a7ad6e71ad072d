"""Checks for the classroom exercises in notebooks/exercises/.

Each test is marked with its exercise (``exercise_1_1`` … ``exercise_6_2``,
registered in tests/conftest.py from the list in loading.py), so a student
checks one task at a time:

    SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_1_2

``SWEEPGRAD_EXERCISES`` picks the folder the exercise modules are loaded from:
``solutions`` (the default, so the suite checks the reference solutions),
``starter``, any other folder under notebooks/exercises/, or a path.

The checks use references that share no code with the exercises: ``math``,
central differences, numpy, and the engine's own ops, sweep and ``nn``.
In the default run the starter stubs are checked too: each must raise
``NotImplementedError`` naming its exercise, and match the solution's signature.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from tests.exercises.loading import (
    CHOICE,
    EXERCISES,
    MODULES,
    STUBS,
    folder_of,
    load,
)

# --- the starter stubs (default run only) -------------------------------------------------

default_run_only = pytest.mark.skipif(
    CHOICE != "solutions",
    reason="the starter stubs are checked when SWEEPGRAD_EXERCISES is unset (solutions)",
)


@default_run_only
@pytest.mark.parametrize(("module", "function", "exercise"), STUBS)
def test_starter_stub_raises_naming_its_exercise(module: str, function: str, exercise: str):
    stub = getattr(load(module, "starter"), function)
    arguments = [None] * len(inspect.signature(stub).parameters)
    with pytest.raises(NotImplementedError, match=rf"^Exercise {re.escape(exercise)}: "):
        stub(*arguments)


@default_run_only
@pytest.mark.parametrize("module", MODULES)
def test_starter_and_solutions_offer_the_same_functions(module: str):
    starter, solutions = load(module, "starter"), load(module, "solutions")
    expected = {function for m, function, _ in STUBS if m == module}
    for folder in (starter, solutions):
        public = {
            name for name, obj in vars(folder).items()
            if inspect.isfunction(obj) and obj.__module__ == folder.__name__
            and not name.startswith("_")
        }
        assert public == expected, f"{folder.__file__}: {sorted(public ^ expected)}"
    for name in expected:
        stub, solution = getattr(starter, name), getattr(solutions, name)
        assert inspect.signature(stub) == inspect.signature(solution), name
        assert inspect.getdoc(stub) == inspect.getdoc(solution), name


CHECK_MODULES = ("tests.exercises.test_ops", "tests.exercises.test_graph",
                 "tests.exercises.test_nn", "tests.exercises.test_matrix_form")


def test_every_exercise_has_marked_tests():
    tests = [test for name in CHECK_MODULES
             for test in vars(importlib.import_module(name)).values()]
    marked = {mark.name for test in tests
              for mark in getattr(test, "pytestmark", []) if mark.name.startswith("exercise_")}
    assert marked == {f"exercise_{number.replace('.', '_')}" for number in EXERCISES}


def test_an_unknown_exercise_folder_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="SWEEPGRAD_EXERCISES='no-such-folder'"):
        folder_of("no-such-folder")


