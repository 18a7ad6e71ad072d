"""The methods the backward sweep is measured against, each with the sweep's contract.

- ``naive``: the chain rule applied edge by edge, O(E²);
- ``paths``: the sum over every path from a leaf to the root;
- ``finite_differences``: central differences, the numerical oracle;
- ``jacobians``: whole Jacobians, by forward or by reverse mode;
- ``gradcheck``: the sweep against central differences, as PyTorch's ``gradcheck``.

They import the core (``engine.node``, ``engine.graph``, ``engine.value``, ...)
and nothing of ``engine.higher``, ``engine.compiler`` or ``engine.drawing``.
"""
