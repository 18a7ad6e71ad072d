"""Subcommands of the ``sweepgrad`` command line, one module each (see ``engine.app.cli``)."""
