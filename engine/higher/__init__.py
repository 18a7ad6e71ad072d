"""Derivatives of derivatives.

- ``gradient_graph``: ``grad(outputs, inputs, create_graph=True)``, gradients
  built as ``Value``s so that they can be differentiated again;
- ``local_derivatives``: each op's local derivatives as nodes, read from the
  op table (``engine.operations``);
- ``hessians``: ``hessian``, ``hvp`` and every k-th partial derivative.

They import the core and nothing of ``engine.methods``, ``engine.compiler``
or ``engine.drawing``.
"""
