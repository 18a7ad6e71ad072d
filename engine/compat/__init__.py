"""Lecture code as it was written, on sweepgrad's engine.

Code written for micrograd or for microgpt runs unchanged once its import
lines point here; the values it builds are sweepgrad ``Value``s, so the
drawings, the player, ``explain`` and ``engine.compile`` work on them too.

- ``engine.compat.micrograd``: ``engine`` (``Value`` with ``_prev``, ``_op``,
  ``label``, ``_backward``; ``Value(data, _children, _op, label)``), ``nn``
  (``Module``, ``Neuron``, ``Layer``, ``MLP`` as micrograd builds them) and
  ``drawing`` (the lecture's ``trace`` and ``draw_dot``). ``from
  micrograd.engine import Value`` becomes ``from engine.compat.micrograd.engine
  import Value``.
- ``engine.compat.microgpt``: ``Value(data, children, local_grads)`` with
  ``_children`` and ``_local_grads``, the class microgpt defines for itself.

Part of the core: it imports the public ``engine`` package only, never
``nn`` (micrograd's own small ``nn`` is written here on its ``Value``).
docs/compat.md says what maps to what and where the numbers can differ.
"""
