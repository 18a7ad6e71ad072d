"""``compile(root, inputs)``: a recorded graph replayed at new inputs at plain-float speed.

Loaded on first use (``engine.compile``). Its modules, in the order a graph
goes through them:

- ``rules``: each op as Python text, from the op table (``engine.operations``);
- ``plan``: the graph read once into a plan (each node's rule, parents and
  shape), where its parts start and end, what is written in place;
- ``codegen``: the plan as straight-line Python, forward then backward, in
  parts (``slot_layout``: each value's slot between parts; ``part``: one part's code);
- ``tape``: the plan as a flat tape, for big graphs whose parts mostly differ;
- ``compiled``: ``compile`` and ``Compiled``, the function a caller gets.

It imports the core and nothing of ``engine.methods``, ``engine.higher`` or
``engine.drawing``.
"""

from engine.compiler.compiled import Compiled, compile

__all__ = ["Compiled", "compile"]
