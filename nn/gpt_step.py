"""One name's loss and gradient for ``nn.GPT``: built afresh, or replayed per length.

``NameStep(model, compiled)`` is called with a name's tokens; it returns the
loss and adds ∇θ loss to every parameter's ``.grad``, as ``loss.backward()``
does. The training loop around it (zeroing, Adam's step, which name comes
next) stays the caller's Python, as in ``fit``.

- dynamic: ``name_loss(model, tokens).backward()``: the graph is built with
  ``Value``s and swept, as the lecture code does at every step;
- compiled: the graphs of all names of one length have one shape
  (``nn.gpt``), so each length's is built once, with leaves standing for
  everything that changes from name to name, and compiled
  (``engine.compile``): the parameters it reads, the one-hot targets, and
  the token embeddings. A token picks a row of ``wte``, a choice a graph
  cannot replay, so the graph reads each position's embedding from leaves
  of its own: a call puts the chosen rows' numbers there and adds their
  gradients back to the rows they came from, the backward pass of a table
  lookup (PyTorch's embedding does the same).

Both give the same loss and gradients up to rounding: the compiled step adds
a row's gradient position by position, the sweep in its own order
(tests: 1e-12 relative).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import Compiled, Value, compile, topological_order
from nn.gpt import GPT, name_loss, sequence_loss
from nn.losses import one_hot


class NameStep:
    """``step(tokens) -> loss``, with ∇θ loss added to the parameters' gradients."""

    def __init__(self, model: GPT, compiled: bool = True) -> None:
        self.model, self.compiled = model, compiled
        self.replays: dict[int, _Replay] = {}

    def __call__(self, tokens: Sequence[int]) -> float:
        if not self.compiled:
            loss = name_loss(self.model, tokens)
            loss.backward()
            return loss.data
        positions = len(tokens) - 1
        replay = self.replays.get(positions)
        if replay is None:
            self.model.embed(tokens[:-1])  # the tokens' checks, before any compiling
            replay = self.replays[positions] = _Replay(self.model, positions)
        return replay(tokens)


class _Replay:
    """The compiled graph of names of one length, and where its inputs come from."""

    def __init__(self, model: GPT, positions: int) -> None:
        self.model, self.positions = model, positions
        e, vocab = model.n_embd, model.vocab_size
        slots = [[Value(0.0, label=f"embedding[{i}][{c}]") for c in range(e)]
                 for i in range(positions)]
        targets = [[Value(0.0) for _ in range(vocab)] for _ in range(positions)]
        loss = sequence_loss(model.forward(slots), targets)
        in_graph = set(topological_order(loss))
        table = {id(v) for row in model.wte for v in row}
        # The parameters this length reads (wpe's rows past it are not), wte's left out.
        self.params = [p for p in model.parameters() if id(p) not in table and p in in_graph]
        self.function: Compiled = compile(
            loss, [*self.params, *(v for row in slots for v in row),
                   *(v for row in targets for v in row)])

    def __call__(self, tokens: Sequence[int]) -> float:
        model = self.model
        inputs, wte = tokens[:-1], model.wte
        values = [p.data for p in self.params]
        for t in inputs:
            values.extend(v.data for v in wte[t])
        for t in tokens[1:]:
            values.extend(one_hot(t, model.vocab_size))
        loss, grads = self.function(values)
        params = self.params
        for p, g in zip(params, grads):
            p.grad += g
        e, start = model.n_embd, len(params)
        for i, t in enumerate(inputs):  # the lookup's backward: each row gets its positions'
            row = wte[t]
            for c in range(e):
                row[c].grad += grads[start + i * e + c]
        return loss
