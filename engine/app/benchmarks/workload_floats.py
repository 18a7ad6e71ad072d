"""The plain-float floor of the two bigger workloads, written by hand.

What ``engine.app.benchmarks.workloads`` measures the engine against: the
forward pass on Python floats storing what the backward pass needs, then
the backward pass written out, no object per operation.

(a) one step of the digits MLP 64→32→10 (ReLU, then linear scores) on a
    batch, loss the mean softmax cross-entropy;
(b) one step of ``nn.GPT`` on a name, loss the mean next-token cross-entropy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Matrix = list[list[float]]

# --- (a) the digits step ----------------------------------------------------------


def digits_step_floats(layers: Sequence[Matrix], points: Sequence[Sequence[float]],
                       targets: Sequence[int]) -> tuple[float, list[Matrix]]:
    """Mean cross-entropy and its gradient; ``layers[l][neuron] = [w…, bias]``.

    Scores s = W₂·relu(W₁x + b₁) + b₂; dℓ/ds = (softmax(s) − onehot)/B; then
    per layer dL/dw_ij = δ_i·a_j, dL/da_j = Σ_i w_ij·δ_i, through ReLU δ·[pre > 0].
    """
    hidden_layer, output_layer = layers
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in layers]
    scale = 1.0 / len(points)
    total = 0.0
    for x, target in zip(points, targets):
        pre = _dense(hidden_layer, x)
        h = [s if s > 0.0 else 0.0 for s in pre]
        scores = _dense(output_layer, h)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        norm = sum(exps)
        total += math.log(norm) + top - scores[target]
        deltas = [e / norm * scale for e in exps]
        deltas[target] -= scale
        below = [0.0] * len(h)
        for neuron, neuron_grads, delta in zip(output_layer, grads[1], deltas):
            for j, a in enumerate(h):
                neuron_grads[j] += delta * a
                below[j] += delta * neuron[j]
            neuron_grads[-1] += delta
        for neuron_grads, delta, s in zip(grads[0], below, pre):
            if s > 0.0:
                for j, a in enumerate(x):
                    neuron_grads[j] += delta * a
                neuron_grads[-1] += delta
    return total * scale, grads


def _dense(layer: Matrix, inputs: Sequence[float]) -> list[float]:
    """Each neuron's b + Σ wⱼaⱼ (its bias last in its row)."""
    out = []
    for neuron in layer:
        s = neuron[-1]
        for w, a in zip(neuron, inputs):
            s += w * a
        out.append(s)
    return out


# --- (b) the GPT step -------------------------------------------------------------


def _matvec(w: Matrix, x: Sequence[float]) -> list[float]:
    out = []
    for row in w:
        total = 0.0
        for wi, xi in zip(row, x):
            total += wi * xi
        out.append(total)
    return out


def _outer_add(grad: Matrix, delta: Sequence[float], x: Sequence[float]) -> None:
    for row, d in zip(grad, delta):
        for j, xj in enumerate(x):
            row[j] += d * xj


def _transposed_matvec(w: Matrix, delta: Sequence[float]) -> list[float]:
    out = [0.0] * len(w[0])
    for row, d in zip(w, delta):
        for j, wj in enumerate(row):
            out[j] += wj * d
    return out


def _rms(u: Sequence[float]) -> tuple[list[float], float]:
    total = 0.0
    for x in u:
        total += x * x
    r = (total / len(u) + 1e-5) ** -0.5
    return [x * r for x in u], r


def _rms_backward(u: Sequence[float], r: float, dn: Sequence[float]) -> list[float]:
    """n = u·r, r = (mean(u²) + ε)^−½:  du_k = dn_k·r − r³·u_k·(Σ_j dn_j u_j)/e."""
    dot = 0.0
    for d, x in zip(dn, u):
        dot += d * x
    factor = r * r * r * dot / len(u)
    return [d * r - x * factor for d, x in zip(dn, u)]


def gpt_step_floats(weights: dict[str, Matrix], n_head: int,
                    tokens: Sequence[int]) -> tuple[float, dict[str, Matrix]]:
    """``nn.gpt``'s mean next-token loss on ``tokens`` and its gradient, by hand."""
    w = weights
    inputs, targets = tokens[:-1], tokens[1:]
    n, e = len(inputs), len(w["wq"])
    d = e // n_head
    c = 1.0 / math.sqrt(d)
    us = [[a + b for a, b in zip(w["wte"][t], w["wpe"][i])] for i, t in enumerate(inputs)]
    normed = [_rms(u) for u in us]
    xs = [x for x, _ in normed]
    qs, ks, vs = ([_matvec(w[m], x) for x in xs] for m in ("wq", "wk", "wv"))
    attention: list[list[list[float]]] = []  # [i][h] = weights over j ≤ i
    heads = []
    for i in range(n):
        per_head, out = [], []
        for h in range(n_head):
            lo, hi = h * d, (h + 1) * d
            q = qs[i]
            scores = []
            for j in range(i + 1):
                key, total = ks[j], 0.0
                for k in range(lo, hi):
                    total += q[k] * key[k]
                scores.append(total * c)
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            norm = sum(exps)
            a = [x / norm for x in exps]
            per_head.append(a)
            mixed = [0.0] * d
            for j in range(i + 1):
                aj, value = a[j], vs[j]
                for k in range(lo, hi):
                    mixed[k - lo] += aj * value[k]
            out += mixed
        attention.append(per_head)
        heads.append(out)
    zs = [[x + y for x, y in zip(xs[i], _matvec(w["wo"], heads[i]))] for i in range(n)]
    normed2 = [_rms(z) for z in zs]
    pres = [_matvec(w["fc1"], m) for m, _ in normed2]
    fs = [[p if p > 0.0 else 0.0 for p in pre] for pre in pres]
    ys = [[z + y for z, y in zip(zs[i], _matvec(w["fc2"], fs[i]))] for i in range(n)]
    grads = {name: [[0.0] * len(row) for row in m] for name, m in w.items()}
    total = 0.0
    dzs = []
    for i in range(n):
        logits = _matvec(w["lm_head"], ys[i])
        top = max(logits)
        exps = [math.exp(s - top) for s in logits]
        norm = sum(exps)
        total += math.log(norm) + top - logits[targets[i]]
        dlogits = [x / norm / n for x in exps]
        dlogits[targets[i]] -= 1.0 / n
        _outer_add(grads["lm_head"], dlogits, ys[i])
        dy = _transposed_matvec(w["lm_head"], dlogits)
        _outer_add(grads["fc2"], dy, fs[i])
        dpre = [g if p > 0.0 else 0.0 for g, p in zip(_transposed_matvec(w["fc2"], dy), pres[i])]
        _outer_add(grads["fc1"], dpre, normed2[i][0])
        dn = _transposed_matvec(w["fc1"], dpre)
        dzs.append([a + b for a, b in zip(dy, _rms_backward(zs[i], normed2[i][1], dn))])
    dxs = [list(dz) for dz in dzs]
    dqs, dks, dvs = ([[0.0] * e for _ in range(n)] for _ in range(3))
    for i in range(n):
        _outer_add(grads["wo"], dzs[i], heads[i])
        dout = _transposed_matvec(w["wo"], dzs[i])
        for h in range(n_head):
            lo, hi = h * d, (h + 1) * d
            a = attention[i][h]
            da = []
            for j in range(i + 1):
                value, dv, aj, dot = vs[j], dvs[j], a[j], 0.0
                for k in range(lo, hi):
                    dot += dout[k] * value[k]
                    dv[k] += aj * dout[k]
                da.append(dot)
            expected = sum(aj * daj for aj, daj in zip(a, da))  # Σₗ aₗ·daₗ, shared by every ds
            for j in range(i + 1):
                ds = a[j] * (da[j] - expected) * c
                for k in range(lo, hi):
                    dqs[i][k] += ds * ks[j][k]
                    dks[j][k] += ds * qs[i][k]
    for i, t in enumerate(inputs):
        for name, deltas in (("wq", dqs), ("wk", dks), ("wv", dvs)):
            _outer_add(grads[name], deltas[i], xs[i])
            dxs[i] = [a + b for a, b in zip(dxs[i], _transposed_matvec(w[name], deltas[i]))]
        du = _rms_backward(us[i], normed[i][1], dxs[i])
        for row in (grads["wte"][t], grads["wpe"][i]):
            for k in range(e):
                row[k] += du[k]
    return total / n, grads
