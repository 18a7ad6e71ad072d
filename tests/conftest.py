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


# --- Classroom exercises (tests/exercises/, notebooks/exercises/) -----------------------
# One marker per exercise, so a student checks one task: pytest -m exercise_1_2. The
# markers come from the one list of exercises, tests/exercises/loading.py's STUBS.


def pytest_configure(config):
    from tests.exercises.loading import EXERCISES

    for number in EXERCISES:
        config.addinivalue_line(
            "markers",
            f"exercise_{number.replace('.', '_')}: checks classroom exercise {number} "
            "(notebooks/exercises)",
        )
