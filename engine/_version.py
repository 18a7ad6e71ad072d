"""sweepgrad's version, in one place: the package metadata (pyproject.toml),
``engine.__version__``, ``nn.__version__`` and ``sweepgrad --version`` read it."""

__version__ = "0.1.0"
