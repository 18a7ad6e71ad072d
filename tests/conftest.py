"""Fixtures shared across the test suite."""

import os

import pytest
from hypothesis import settings

# CI proves the README on every submission, so there the property tests run
# the same examples every time; elsewhere they keep exploring.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def torch():
    """PyTorch, for tests that use it as an oracle; they skip where it is absent.

    Compare in float64 (``dtype=torch.float64``): the engine computes in float64.
    """
    return pytest.importorskip("torch")


# --- Classroom exercises (tests/test_exercises.py, notebooks/exercises/) -------------
# One marker per exercise, so a student checks one task: pytest -m exercise_1_2

EXERCISES = ("1_1", "1_2", "1_3", "2_1", "2_2", "3_1", "3_2", "4_1", "4_2", "4_3",
             "5_1", "5_2", "5_3", "6_1", "6_2")


def pytest_configure(config):
    for number in EXERCISES:
        config.addinivalue_line(
            "markers",
            f"exercise_{number}: checks classroom exercise {number.replace('_', '.')} "
            "(notebooks/exercises)",
        )
