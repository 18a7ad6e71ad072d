"""Fixtures shared across the test suite."""

import pytest


@pytest.fixture(scope="session")
def torch():
    """PyTorch, for tests that use it as an oracle; they skip where it is absent.

    Compare in float64 (``dtype=torch.float64``): the engine computes in float64.
    """
    return pytest.importorskip("torch")
