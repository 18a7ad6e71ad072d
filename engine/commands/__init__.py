"""Subcommands of the ``sweepgrad`` command line (see ``engine.cli``)."""
