"""The course's exercises, one module per chapter, each declaring its
exercises and their checks with ``engine.app.classroom.registry``.

Importing this package registers them all, in chapter order.
"""

from engine.app.classroom.checks import (  # noqa: F401 (imported to register)
    activations_checks,
    checking,
    cost,
    graph_checks,
    losses_checks,
    matrix_form_checks,
    neuron,
    ops,
    training,
    training_loop,
)
