"""The app on top of the library: the ``sweepgrad`` command and what it runs.

It may import ``engine`` (the core) and ``nn``; neither imports it.

- ``cli``: the command line, one module per subcommand in ``commands/``;
- ``demo``: the tour ``sweepgrad demo`` (and ``make demo``) prints and draws;
- ``benchmarks/``: complexity (the sweep against the naive methods), speed
  (the engine against plain floats), drawing and training times, grading;
- ``expression``: the safe parser behind ``sweepgrad draw "tanh(x*w + b)"``;
- ``classroom/``: the exercises' checks that name the mistake, ``check`` for
  notebooks, grading a class (``sweepgrad check``, ``grade``, ``exercises``).
"""
