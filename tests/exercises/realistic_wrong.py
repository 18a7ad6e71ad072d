"""Wrong solutions as students write them, not built around any one named mistake.

Each replaces one function of the teacher's key (appended to its chapter
module) and lists the named mistakes that are true of it: the checks must
catch every one, may name it only with one of those (or leave it unnamed),
and should name nine in ten. The list of named mistakes made on purpose is
``wrong_solutions.py``; none of these is a copy of one there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Realistic:
    name: str
    exercise: str
    code: str
    true_names: frozenset[str]  # the named mistakes that describe it; empty: none does


def r(name: str, exercise: str, code: str, *true_names: str) -> Realistic:
    return Realistic(name, exercise, code, frozenset(true_names))


SWEEP = '''
def backward(root):
    order = engine_topological_order(root)
    {seed}
    for node in {order}:
        for {pairs}:
            {update}
'''


def sweep(name: str, *true_names: str, seed: str = "root.grad = 1.0",
          order: str = "reversed(order)",
          pairs: str = "parent, local in zip(node.parents, node.local_grads)",
          update: str = "parent.grad += local * node.grad") -> Realistic:
    code = SWEEP.format(seed=seed, order=order, pairs=pairs, update=update)
    return r(name, "2.2", code, *true_names)


LOOP = '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    n = len(inputs)
    losses = []
    {before}
    for epoch in range({epochs}):
        order = list(range(n))
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            {zero}
            total = Value(0.0)
            for i in batch:
                total = total + loss(model(inputs[i]), targets[i])
            objective = total / len(batch)
            objective.backward()
            for p in model.parameters():
                p.data -= lr * p.grad
            {record}
    return losses
'''


def loop(name: str, *true_names: str, before: str = "", epochs: str = "epochs",
         zero: str = "model.zero_grad()", record: str = "losses.append(objective.data)"
         ) -> Realistic:
    code = LOOP.format(before=before, epochs=epochs, zero=zero, record=record)
    return r(name, "7.2", code, *true_names)


# An iterative depth-first order, then some nodes filtered out.
DEPTH_FIRST = '''
def topological_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if p not in seen)
    return [n for n in order {keep}]
'''

REALISTIC: list[Realistic] = [
    # chapter 1
    r("∂(a/b)/∂b without the a", "1.1",
      "def div(a, b):\n    return a / b, (1.0 / b, -1.0 / (b * b))\n", "missing_factor"),
    r("mul with one derivative", "1.1", "def mul(a, b):\n    return a * b, (b,)\n", "wrong_type"),
    r("add with ∂/∂b = 0", "1.1", "def add(a, b):\n    return a + b, (1.0, 0.0)\n",
      "wrong_local_derivative"),
    r("log with slope a", "1.2",
      "def log(a):\n    return math.log(a), (a,)\n", "wrong_local_derivative"),
    r("exp with slope 1", "1.2",
      "def exp(a):\n    return math.exp(a), (1.0,)\n", "missing_factor", "wrong_local_derivative"),
    r("tanh's slope from the input", "1.2",
      "def tanh(a):\n    return math.tanh(a), (1.0 - a * a,)\n", "wrong_local_derivative"),
    r("relu that lets negatives through", "1.2",
      "def relu(a):\n    return a, (1.0 if a > 0 else 0.0,)\n", "wrong_value"),
    r("value_mul with a list of parents", "1.3",
      "def value_mul(a, b):\n    return Value(a.data * b.data, [a, b], (b.data, a.data), '*')\n",
      "float_not_node"),
    r("value_tanh's slope from the input", "1.3",
      "def value_tanh(a):\n    t = math.tanh(a.data)\n"
      "    return Value(t, (a,), (1.0 - a.data ** 2,), 'tanh')\n",
      "wrong_local_derivative"),
    # chapter 2
    r("breadth-first from the root, reversed", "2.1", '''
def topological_order(root):
    order, seen, queue = [], {root}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order[::-1]
''', "parent_after_node"),
    r("only the nodes with parents", "2.1", DEPTH_FIRST.format(keep="if n.parents"),
      "missing_nodes"),
    r("the root left out", "2.1", DEPTH_FIRST.format(keep="if n is not root"),
      "missing_nodes"),
    sweep("the seed set to 0", "root_not_seeded", seed="root.grad = 0.0"),
    sweep("the first local derivative for every parent", pairs="parent in node.parents",
          update="parent.grad += node.local_grads[0] * node.grad"),
    sweep("the root's own edges skipped", "nothing_passed_on", order="reversed(order[:-1])"),
    sweep("the product subtracted", "wrong_sign", update="parent.grad -= local * node.grad"),
    # chapter 3
    r("every leaf seeded with 1", "3.1", '''
def chain_rule_derivative(root, w):
    rate = {}
    for node in topological_order(root):
        if not node.parents:
            rate[node] = 1.0
        else:
            rate[node] = sum(g * rate[p] for p, g in zip(node.parents, node.local_grads))
    return rate.get(root, 0.0) if w in rate else 0.0
''', "leaves_seeded"),
    r("the rates added without their local derivatives", "3.1", '''
def chain_rule_derivative(root, w):
    rate = {}
    for node in topological_order(root):
        rate[node] = 1.0 if node is w else sum(rate[p] for p in node.parents)
    return rate.get(root, 0.0)
''', "missing_local_factor"),
    r("divided by 2, not 2ε", "3.2", '''
def central_difference(f, point, index, eps=1e-6):
    above, below = list(point), list(point)
    above[index] += eps
    below[index] -= eps
    return (f(above) - f(below)) / 2
''', "divisor_without_eps"),
    r("a default ε of 0.01", "3.2", '''
def central_difference(f, point, index, eps=1e-2):
    above, below = list(point), list(point)
    above[index] += eps
    below[index] -= eps
    return (f(above) - f(below)) / (2 * eps)
''', "bad_eps"),
    r("a backward difference", "3.2", '''
def central_difference(f, point, index, eps=1e-6):
    below = list(point)
    below[index] -= eps
    return (f(list(point)) - f(below)) / eps
''', "forward_difference"),
    # chapter 4
    r("ReLU as max(0.0, total)", "4.1", '''
def neuron_forward(weights, bias, inputs, activation="tanh"):
    if len(weights) != len(inputs):
        raise ValueError("one weight per input")
    total = bias
    for w, x in zip(weights, inputs):
        total = total + w * x
    if activation == "relu":
        return max(0.0, total) if total.data <= 0 else total
    if activation not in ("tanh", "sigmoid", "linear"):
        raise ValueError(f"unknown activation {activation}")
    return {"tanh": total.tanh, "sigmoid": total.sigmoid, "linear": lambda: total}[activation]()
''', "wrong_type", "detached"),
    r("ReLU as the identity", "4.1", '''
def neuron_forward(weights, bias, inputs, activation="tanh"):
    if len(weights) != len(inputs):
        raise ValueError("one weight per input")
    total = bias
    for w, x in zip(weights, inputs):
        total = total + w * x
    if activation not in ("tanh", "relu", "sigmoid", "linear"):
        raise ValueError(f"unknown activation {activation}")
    return {"tanh": total.tanh, "sigmoid": total.sigmoid}.get(activation, lambda: total)()
''', "wrong_activation"),
    r("each neuron with the bias from the other end", "4.2", '''
def layer_forward(weights, biases, inputs, activation="tanh"):
    return [neuron_forward(w, biases[-1 - j], inputs, activation)
            for j, w in enumerate(weights)]
''', "bias_mixup"),
    r("no activation in the hidden layers", "4.3", '''
def mlp_forward(layers, inputs, activation="relu"):
    values = list(inputs)
    for weights, biases in layers:
        values = layer_forward(weights, biases, values, "linear")
    return values
''', "wrong_activation"),
    # chapter 5
    r("return inside the loop", "5.1", '''
def sgd_step(parameters, lr):
    for p in parameters:
        p.data -= lr * p.grad
        return
''', "partial_update"),
    r("the gradient stepped instead of the data", "5.1", '''
def sgd_step(parameters, lr):
    for p in parameters:
        p.grad -= lr * p.grad
''', "updated_grad"),
    r("the loss upside down", "5.2", '''
def softmax_cross_entropy(scores, target):
    m = max(s.data for s in scores)
    total = Value(0.0)
    for s in scores:
        total = total + (s - m).exp()
    return scores[target] - (total.log() + m)
''', "wrong_sign"),
    r("computed on floats, wrapped at the end", "5.2", '''
def softmax_cross_entropy(scores, target):
    import math

    m = max(s.data for s in scores)
    lse = m + math.log(sum(math.exp(s.data - m) for s in scores))
    return Value(lse - scores[target].data)
''', "detached"),
    r("a fixed seed inside", "5.3", '''
def minibatches(n, batch_size, rng):
    order = list(range(n))
    random.Random(42).shuffle(order)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
''', "same_shuffle", "rng_ignored"),
    # chapter 6
    r("Θ′ from the sums", "6.1", '''
def two_layer_gradients(V, W, x, y):
    s = V @ x
    z = np.tanh(s)
    out = W @ z
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    return loss, np.outer((W.T @ delta) * (1.0 - s ** 2), x), np.outer(delta, z)
''', "wrong_activation_derivative"),
    r("δ = 2(y − out)", "6.1", '''
def two_layer_gradients(V, W, x, y):
    z = np.tanh(V @ x)
    out = W @ z
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (y - out)
    return loss, np.outer((W.T @ delta) * (1.0 - z ** 2), x), np.outer(delta, z)
''', "wrong_sign"),
    r("gradients appended from the last layer", "6.2", '''
def deep_gradients(weights, x, y):
    activations = [np.asarray(x, dtype=float)]
    for index, W in enumerate(weights):
        s = W @ activations[-1]
        activations.append(s if index == len(weights) - 1 else np.tanh(s))
    out = activations[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    grads = []
    for index in range(len(weights) - 1, -1, -1):
        grads.append(np.outer(delta, activations[index]))
        if index > 0:
            delta = (weights[index].T @ delta) * (1.0 - activations[index] ** 2)
    return loss, grads
''', "grads_reversed"),
    r("deep without Θ′", "6.2", '''
def deep_gradients(weights, x, y):
    activations = [np.asarray(x, dtype=float)]
    for index, W in enumerate(weights):
        s = W @ activations[-1]
        activations.append(s if index == len(weights) - 1 else np.tanh(s))
    out = activations[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    grads = [None] * len(weights)
    for index in range(len(weights) - 1, -1, -1):
        grads[index] = np.outer(delta, activations[index])
        if index > 0:
            delta = weights[index].T @ delta
    return loss, grads
''', "missing_derivative"),
    # chapter 7
    r("divided by the batch size squared", "7.1", '''
def batch_loss(model, inputs, targets, loss):
    total = Value(0.0)
    for x, y in zip(inputs, targets):
        total = total + loss(model(x), y)
    return total / len(targets) ** 2
''', "mean_twice"),
    r("the last example's loss over B", "7.1", '''
def batch_loss(model, inputs, targets, loss):
    for x, y in zip(inputs, targets):
        last = loss(model(x), y)
    return last / len(inputs)
''', "one_example_kept"),
    loop("the losses not recorded", "wrong_losses", record="pass"),
    loop("the loss Values recorded", "wrong_losses", record="losses.append(objective)"),
    r("zeroed once per epoch", "7.2", LOOP.format(
        before="", epochs="epochs", zero="pass", record="losses.append(objective.data)").replace(
        "        rng.shuffle(order)\n", "        rng.shuffle(order)\n        model.zero_grad()\n"),
      "not_zeroed"),
    loop("no epoch at all", epochs="epochs - epochs"),
    loop("one epoch too few", "epoch_count", epochs="epochs - 1"),
    # chapter 8
    r("leaky ReLU's slope 1 at 0", "8.1", '''
def leaky_relu(a, alpha=0.01):
    return (a, (1.0,)) if a >= 0 else (alpha * a, (alpha,))
''', "leaky_slope"),
    r("SiLU's slope σ′ alone", "8.1", '''
def silu(a):
    s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
    return a * s, (s * (1.0 - s),)
''', "silu_product_rule"),
    r("tanh whatever the activation", "8.2", '''
def first_weight_gradient(weights, x, activation):
    ws = [Value(w) for w in weights]
    z = x
    for w in ws:
        z = (w * z).tanh()
    z.backward()
    return ws[0].grad
''', "wrong_activation"),
    # chapter 9
    r("the logistic slope without its minus", "9.1", '''
def logistic_loss(score, label):
    m = -label * score
    value = m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
    sigma = 1.0 / (1.0 + math.exp(-m)) if m >= 0 else math.exp(m) / (1.0 + math.exp(m))
    return value, label * sigma
''', "wrong_sign"),
    r("∂ℓ/∂z as W δ", "9.2", '''
def softmax_gradients(W, z, t):
    s = W @ z
    m = float(np.max(s))
    total = float(np.sum(np.exp(s - m)))
    delta = np.exp(s - m) / total
    delta[t] -= 1.0
    return m + math.log(total) - float(s[t]), np.outer(delta, z), W @ delta
''', "transpose"),
    # chapter 10
    r("the sweep counting two per link", "10.1", '''
def sweep_derivatives(factors):
    derivatives, running, products = [0.0] * len(factors), 1.0, 0
    for k in range(len(factors) - 1, -1, -1):
        running *= factors[k]
        products += 2
        derivatives[k] = running
    return derivatives, products
'''),
    r("a forward difference in the check", "10.2", '''
def gradcheck(f, gradient, point, eps=1e-6, rtol=1e-5, atol=1e-8):
    for index in range(len(point)):
        above = list(point)
        above[index] += eps
        numeric = (f(above) - f(list(point))) / eps
        if not abs(gradient[index] - numeric) <= atol + rtol * abs(numeric):
            return False
    return True
''', "forward_difference"),
]
