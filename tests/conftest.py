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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each test file on one worker when the suite runs in parallel (pytest-xdist).

    ``make test`` runs ``pytest -n auto --dist loadgroup``: a group's tests share a
    worker, so a module's fixtures (a sandboxed class graded, a browser started) are
    made once. The site's files form one group: they share the site, built once per
    worker that needs it, which is minutes.
    """
    for item in items:
        path = Path(str(item.fspath))
        group = "site" if path.parent.name == "site" else str(path)
        item.add_marker(pytest.mark.xdist_group(group))


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
