"""A stand-in terminal for tests of progress bars, and an environment that allows them."""

import io

import pytest


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, so a progress bar draws on it."""

    def isatty(self):
        return True


@pytest.fixture
def bars_allowed(monkeypatch):
    """No CI and no SWEEPGRAD_PROGRESS in the environment: bars follow the stream alone."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SWEEPGRAD_PROGRESS", raising=False)
