"""Fixtures shared across the test suite."""

import os
from pathlib import Path

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


# --- Classroom exercises (engine/app/classroom) ----------------------------------------


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """The exercises released from their sources: ``key/`` (solutions) and ``starter/``.

    Each holds ``modules/`` and ``notebooks/``, as ``sweepgrad exercises release`` writes them.
    """
    from engine.app.classroom.release import release as write_release

    root = tmp_path_factory.mktemp("release")
    write_release(root / "key", solutions=True)
    write_release(root / "starter")
    return root
