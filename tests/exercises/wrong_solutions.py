"""Deliberately wrong solutions, one (or more) per named mistake.

Each is a function definition that replaces the reference's in its chapter
module (it is appended to the module of the teacher's key), and the test
expects the checks of its exercise to fail and name ``mistake``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wrong:
    name: str
    exercise: str
    mistake: str
    code: str


SWEEP = '''
def backward(root):
    order = engine_topological_order(root)
    root.grad = 1.0
    for node in {order}:
        for parent, local_grad in zip(node.parents, node.local_grads):
            {update}
'''


def sweep(name: str, mistake: str, update: str, order: str = "reversed(order)") -> Wrong:
    return Wrong(name, "2.2", mistake, SWEEP.format(order=order, update=update))


TRAIN = '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    n = len(inputs)
    losses = []
    {before}
    for _ in range(epochs):
        {shuffle}
        batches = [order[s:s + batch_size] for s in range(0, n, batch_size)]
        {batches}
        for batch in batches:
            {zero}
            total = Value(0.0)
            for i in batch:
                total = total + loss(model(inputs[i]), targets[i])
            objective = total {mean}
            objective.backward()
            {late}
            for p in model.parameters():
                p.data -= lr * p.grad
            losses.append(objective.data)
    return losses
'''


def loop(name: str, mistake: str, **parts: str) -> Wrong:
    defaults = {"before": "", "shuffle": "order = list(range(n)); rng.shuffle(order)",
                "batches": "", "zero": "model.zero_grad()", "mean": "/ len(batch)", "late": ""}
    return Wrong(name, "7.2", mistake, TRAIN.format(**{**defaults, **parts}))


BATCHES = '''
def minibatches(n, batch_size, rng):
    order = list(range(n))
    {shuffle}
    batches = [order[s:s + batch_size] for s in range(0, n, batch_size)]
    {after}
    return batches
'''


def batches(name: str, mistake: str, shuffle: str = "rng.shuffle(order)", after: str = ""
            ) -> Wrong:
    return Wrong(name, "5.3", mistake, BATCHES.format(shuffle=shuffle, after=after))


# Depth-first without a visited set: a node is listed once per path to it.
PER_PATH_ORDER = '''
def topological_order(root):
    order, todo = [], [root]
    expanded = []
    while todo:
        node = todo.pop()
        expanded.append(node)
        todo += list(node.parents)
    # a node after everything expanded below it: emit in the reverse of expansion
    for node in reversed(expanded):
        order.append(node)
    return order
'''

RECURSIVE_ORDER = '''
def topological_order(root):
    {limit}
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order
'''

DEEP = '''
def deep_gradients(weights, x, y):
    activations = [np.asarray(x, dtype=float)]
    for index, W in enumerate(weights):
        s = W @ activations[-1]
        activations.append({forward})
    out = activations[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    grads = [None] * len(weights)
    for index in range(len(weights) - 1, -1, -1):
        grads[index] = np.outer(delta, activations[index])
        if index > 0:
            delta = (weights[index].T @ delta) * (1.0 - {slope} ** 2)
    return loss, grads
'''

TWO = '''
def two_layer_gradients(V, W, x, y):
    z = np.tanh(V @ x)
    out = W @ z
    loss = float(np.sum((out - y) ** 2))
    delta = {delta}
    grad_W = {grad_W}
    grad_V = np.outer({down}, x)
    return loss, grad_V, grad_W
'''


def two(name: str, mistake: str, delta: str = "2.0 * (out - y)",
        grad_W: str = "np.outer(delta, z)", down: str = "(W.T @ delta) * (1.0 - z**2)") -> Wrong:
    return Wrong(name, "6.1", mistake, TWO.format(delta=delta, grad_W=grad_W, down=down))


NEURON = '''
def neuron_forward(weights, bias, inputs, activation="tanh"):
    if len(weights) != len(inputs):
        raise ValueError("lengths")
    total = {start}
    for w, x in zip(weights, inputs):
        total = total + w * x
    out = {{"tanh": total.tanh, "relu": total.relu, "sigmoid": total.sigmoid,
           "linear": lambda: total}}.get(activation)
    if out is None:
        raise ValueError(f"unknown activation {{activation}}")
    return {result}
'''


def neuron(name: str, mistake: str, start: str = "bias", result: str = "out()") -> Wrong:
    return Wrong(name, "4.1", mistake, NEURON.format(start=start, result=result))


MLP = '''
def mlp_forward(layers, inputs, activation="relu"):
    values = list(inputs)
    for index, (weights, biases) in enumerate(layers{cut}):
        last = index == len(layers) - 1
        values = layer_forward(weights, biases, values, {which})
    return values
'''

CENTRAL = '''
def central_difference(f, point, index, eps=1e-6):
    above, below = list(point), list(point)
    above[index] += {step}
    below[index] -= {step}
    return (f(above) - f({low})) / ({divisor})
'''


def central(name: str, mistake: str, step: str = "eps", low: str = "below",
            divisor: str = "2.0 * eps") -> Wrong:
    return Wrong(name, "3.2", mistake, CENTRAL.format(step=step, low=low, divisor=divisor))


WRONG: list[Wrong] = [
    # chapter 1
    Wrong("mul with swapped derivatives", "1.1", "swapped_operands",
          "def mul(a, b):\n    return a * b, (a, b)\n"),
    Wrong("div with the sign of ∂/∂b lost", "1.1", "wrong_sign",
          "def div(a, b):\n    return a / b, (1.0 / b, a / (b * b))\n"),
    Wrong("power without the factor n", "1.1", "missing_factor",
          "def power(a, n):\n    return a ** n, (a ** (n - 1),)\n"),
    Wrong("tanh' = 1 - tanh", "1.2", "missing_factor",
          "def tanh(a):\n    t = math.tanh(a)\n    return t, (1.0 - t,)\n"),
    Wrong("sigmoid that overflows", "1.2", "unstable_sigmoid",
          "def sigmoid(a):\n    s = 1.0 / (1.0 + math.exp(-a))\n    return s, (s * (1.0 - s),)\n"),
    Wrong("relu with slope 1 at 0", "1.2", "relu_at_zero",
          "def relu(a):\n    return max(a, 0.0), (1.0 if a >= 0 else 0.0,)\n"),
    Wrong("tanh from the engine's Value", "1.2", "engine_call",
          "def tanh(a):\n    t = Value(a).tanh()\n    return t.data, t.local_grads\n"),
    Wrong("value_mul with a * b", "1.3", "engine_call",
          "def value_mul(a, b):\n    return a * b\n"),
    Wrong("value_mul with a set of parents", "1.3", "set_of_parents",
          "def value_mul(a, b):\n    return Value(a.data * b.data, tuple({a, b}), "
          "(b.data, a.data)[:len({a, b})], '*')\n"),
    Wrong("value_tanh returning a float", "1.3", "float_not_node",
          "def value_tanh(a):\n    return math.tanh(a.data)\n"),
    # chapter 2
    Wrong("recursive topological order", "2.1", "recursion", RECURSIVE_ORDER.format(limit="")),
    Wrong("recursion with a raised limit", "2.1", "recursion",
          RECURSIVE_ORDER.format(limit="import sys; sys.setrecursionlimit(1_000_000)")),
    Wrong("no visited set", "2.1", "visited_twice", PER_PATH_ORDER),
    Wrong("root first", "2.1", "reversed_order", '''
def topological_order(root):
    return list(reversed(engine_topological_order(root)))
'''),
    Wrong("the engine's order", "2.1", "engine_call", '''
def topological_order(root):
    return engine_topological_order(root)
'''),
    sweep("= instead of +=", "assign_not_accumulate", "parent.grad = local_grad * node.grad"),
    sweep("no local derivative", "missing_local_factor", "parent.grad += node.grad"),
    sweep("no upstream gradient", "missing_upstream_factor", "parent.grad += local_grad"),
    sweep("topological instead of reverse order", "forward_order",
          "parent.grad += local_grad * node.grad", order="order"),
    Wrong("a node swept once per path", "2.2", "visited_twice", PER_PATH_ORDER + '''

def backward(root):
    order = topological_order(root)
    root.grad = 1.0
    for node in reversed(order):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad += local_grad * node.grad
'''),
    Wrong("recursive sweep", "2.2", "recursion", '''
def backward(root):
    import sys
    sys.setrecursionlimit(100_000)
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    root.grad = 1.0
    for node in reversed(order):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad += local_grad * node.grad
'''),
    Wrong("root.backward()", "2.2", "engine_call", "def backward(root):\n    root.backward()\n"),
    Wrong("the seed set, the loop writing node.grad", "2.2", "nothing_passed_on", '''
def backward(root):
    root.grad = 1.0
    for node in reversed(engine_topological_order(root)):
        for parent, local_grad in zip(node.parents, node.local_grads):
            node.grad += 0.0 * local_grad * parent.grad
'''),
    Wrong("no seed", "2.2", "root_not_seeded", '''
def backward(root):
    for node in reversed(engine_topological_order(root)):
        for parent, local_grad in zip(node.parents, node.local_grads):
            parent.grad += local_grad * node.grad
'''),
    # chapter 3
    Wrong("chain rule with =", "3.1", "assign_not_accumulate", '''
def chain_rule_derivative(root, w):
    rate = {}
    for node in topological_order(root):
        if node is w:
            rate[node] = 1.0
        else:
            rate[node] = 0.0
            for parent, local_grad in zip(node.parents, node.local_grads):
                rate[node] = local_grad * rate[parent]
    return rate.get(root, 0.0)
'''),
    Wrong("chain rule by the sweep", "3.1", "engine_call", '''
def chain_rule_derivative(root, w):
    from engine import sweep_gradients
    return sweep_gradients(root, [w])[w]
'''),
    Wrong("recursive chain rule", "3.1", "recursion", '''
def chain_rule_derivative(root, w):
    def rate(node):
        if node is w:
            return 1.0
        return sum(g * rate(p) for p, g in zip(node.parents, node.local_grads))
    return rate(root)
'''),
    Wrong("KeyError for an absent weight", "3.1", "no_dependency", '''
def chain_rule_derivative(root, w):
    rate = {}
    for node in topological_order(root):
        if node is w:
            rate[node] = 1.0
        elif node.parents:
            rate[node] = sum(g * rate[p] for p, g in zip(node.parents, node.local_grads))
        else:
            rate[node] = 0.0
    return rate[root] if w in rate else rate[w]
'''),
    central("forward difference", "forward_difference", low="point", divisor="eps"),
    central("ε instead of 2ε", "half_divisor", divisor="eps"),
    central("ignores eps", "eps_ignored", step="1e-6", divisor="2e-6"),
    central("ε far too small, eps ignored", "eps_ignored", step="1e-13", divisor="2e-13"),
    Wrong("a default ε of 1e-12", "3.2", "bad_eps", CENTRAL.format(
        step="eps", low="below", divisor="2.0 * eps").replace("eps=1e-6", "eps=1e-12")),
    Wrong("changes the point", "3.2", "mutates_point", '''
def central_difference(f, point, index, eps=1e-6):
    point[index] += eps
    above = f(list(point))
    point[index] -= 2 * eps
    return (above - f(list(point))) / (2 * eps)
'''),
    Wrong("the engine's central difference", "3.2", "engine_call", '''
def central_difference(f, point, index, eps=1e-6):
    from engine import central_difference as cd
    return cd(lambda *xs: f([float(x) for x in xs]), list(point), index, eps)
'''),
    # chapter 4
    neuron("no bias", "bias_missing", start="Value(0.0)"),
    neuron("bias after the activation", "bias_after_activation", start="Value(0.0)",
           result="out() + bias"),
    neuron("always tanh", "wrong_activation", result="total.tanh()"),
    neuron("built on floats", "detached", result="Value(out().data)"),
    Wrong("no error for an unknown activation", "4.1", "no_error_for_bad_input", '''
def neuron_forward(weights, bias, inputs, activation="tanh"):
    total = bias
    for w, x in zip(weights, inputs):
        total = total + w * x
    return {"tanh": total.tanh, "relu": total.relu, "sigmoid": total.sigmoid}.get(
        activation, lambda: total)()
'''),
    Wrong("every neuron with the first bias", "4.2", "bias_mixup", '''
def layer_forward(weights, biases, inputs, activation="tanh"):
    return [neuron_forward(w, biases[0], inputs, activation) for w in weights]
'''),
    Wrong("weights read transposed", "4.2", "weights_transposed", '''
def layer_forward(weights, biases, inputs, activation="tanh"):
    columns = [[weights[i][j] for i in range(len(weights))] for j in range(len(weights))]
    return [neuron_forward(w, b, inputs, activation) for w, b in zip(columns, biases)]
'''),
    Wrong("the last layer activated", "4.3", "last_layer_activated",
          MLP.format(cut="", which="activation")),
    Wrong("the last layer dropped", "4.3", "last_layer_dropped",
          MLP.format(cut="[:-1]", which="activation")),
    # chapter 5
    Wrong("θ + η·g", "5.1", "update_sign",
          "def sgd_step(parameters, lr):\n    for p in parameters:\n"
          "        p.data += lr * p.grad\n"),
    Wrong("no learning rate", "5.1", "missing_lr",
          "def sgd_step(parameters, lr):\n    for p in parameters:\n        p.data -= p.grad\n"),
    Wrong("rebinding", "5.1", "rebinding",
          "def sgd_step(parameters, lr):\n    for p in parameters:\n        p = p - lr * p.grad\n"),
    Wrong("resets the gradient", "5.1", "grad_reset_in_step",
          "def sgd_step(parameters, lr):\n    for p in parameters:\n        p.data -= lr * p.grad\n"
          "        p.grad = 0.0\n"),
    Wrong("softmax without the max", "5.2", "unstable_softmax", '''
def softmax_cross_entropy(scores, target):
    total = Value(0.0)
    for s in scores:
        total = total + s.exp()
    return total.log() - scores[target]
'''),
    Wrong("nn's softmax cross-entropy", "5.2", "engine_call", '''
def softmax_cross_entropy(scores, target):
    import nn
    return nn.softmax_cross_entropy(scores, target)
'''),
    Wrong("the max not added back", "5.2", "max_not_restored", '''
def softmax_cross_entropy(scores, target):
    m = max(s.data for s in scores)
    total = Value(0.0)
    for s in scores:
        total = total + (s - m).exp()
    return total.log() - scores[target]
'''),
    batches("no shuffle", "no_shuffle", shuffle="pass"),
    batches("the same shuffle every epoch", "same_shuffle",
            shuffle="random.Random(0).shuffle(order)"),
    batches("only the batch order shuffled", "batch_order_only", shuffle="pass",
            after="rng.shuffle(batches)"),
    Wrong("the same batches every epoch, in a new order", "5.3", "batch_order_only", '''
_CUT = {}


def minibatches(n, batch_size, rng):
    if (n, batch_size) not in _CUT:
        order = list(range(n))
        rng.shuffle(order)
        _CUT[n, batch_size] = [order[s:s + batch_size] for s in range(0, n, batch_size)]
    batches = list(_CUT[n, batch_size])
    rng.shuffle(batches)
    return batches
'''),
    batches("the last batch dropped", "last_batch_dropped",
            after="batches = [b for b in batches if len(b) == batch_size]"),
    batches("the last batch padded", "last_batch_padded",
            after="batches[-1] = (batches[-1] + order)[:batch_size]"),
    batches("the global random module", "rng_ignored", shuffle="random.shuffle(order)"),
    # chapter 6
    two("W δ instead of Wᵀ δ", "transpose", down="(W @ delta) * (1.0 - z**2)"),
    two("z δᵀ instead of δ zᵀ", "transpose", grad_W="np.outer(z, delta)"),
    two("no Θ′", "missing_derivative", down="W.T @ delta"),
    two("no factor 2", "missing_two", delta="out - y"),
    Wrong("the mean squared error as the loss", "6.1", "squared_norm", TWO.format(
        delta="2.0 * (out - y)", grad_W="np.outer(delta, z)",
        down="(W.T @ delta) * (1.0 - z**2)").replace("np.sum((out - y) ** 2)",
                                                     "np.mean((out - y) ** 2)")),
    Wrong("two layers by the engine", "6.1", "engine_call", '''
def two_layer_gradients(V, W, x, y):
    from engine import Value
    Vs = [[Value(float(v)) for v in row] for row in V]
    Ws = [[Value(float(w)) for w in row] for row in W]
    z = [sum((v * float(a) for v, a in zip(row, x)), Value(0.0)).tanh() for row in Vs]
    out = [sum((w * a for w, a in zip(row, z)), Value(0.0)) for row in Ws]
    loss = sum(((o - float(t)) ** 2 for o, t in zip(out, y)), Value(0.0))
    loss.backward()
    return (loss.data, np.array([[v.grad for v in r] for r in Vs]),
            np.array([[w.grad for w in r] for r in Ws]))
'''),
    Wrong("Θ′ of the layer above", "6.2", "derivative_wrong_layer",
          DEEP.format(forward="s if index == len(weights) - 1 else np.tanh(s)",
                      slope="activations[index + 1]")),
    Wrong("the last layer activated", "6.2", "last_layer_activated",
          DEEP.format(forward="np.tanh(s)", slope="activations[index]")),
    Wrong("the last layer dropped", "6.2", "last_layer_dropped", '''
def deep_gradients(weights, x, y):
    activations = [np.asarray(x, dtype=float)]
    for W in weights[:-1]:
        activations.append(np.tanh(W @ activations[-1]))
    out = weights[-1] @ activations[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    grads = []
    for index in range(len(weights) - 2, -1, -1):
        delta = (weights[index + 1].T @ delta) * (1.0 - activations[index + 1] ** 2)
        grads.insert(0, np.outer(delta, activations[index]))
    return loss, grads
'''),
    # chapter 7
    Wrong("the sum, not the mean", "7.1", "no_mean", '''
def batch_loss(model, inputs, targets, loss):
    total = Value(0.0)
    for x, y in zip(inputs, targets):
        total = total + loss(model(x), y)
    return total
'''),
    Wrong("the mean taken twice", "7.1", "mean_twice", '''
def batch_loss(model, inputs, targets, loss):
    total = Value(0.0)
    for x, y in zip(inputs, targets):
        total = total + loss(model(x), y) / len(inputs)
    return total / len(inputs)
'''),
    Wrong("one example's loss kept", "7.1", "one_example_kept", '''
def batch_loss(model, inputs, targets, loss):
    for x, y in zip(inputs, targets):
        total = loss(model(x), y)
    return total
'''),
    Wrong("loss(target, prediction)", "7.1", "loss_arguments_swapped", '''
def batch_loss(model, inputs, targets, loss):
    total = Value(0.0)
    for x, y in zip(inputs, targets):
        total = total + loss(y, model(x))
    return total / len(inputs)
'''),
    loop("gradients never zeroed", "not_zeroed", zero="pass"),
    loop("the global random module in the loop", "rng_ignored",
         shuffle="order = list(range(n)); random.shuffle(order)"),
    loop("no backward()", "backward_missing", late="model.zero_grad()").__class__(
        "no backward()", "7.2", "backward_missing", TRAIN.format(
            before="", shuffle="order = list(range(n)); rng.shuffle(order)", batches="",
            zero="model.zero_grad()", mean="/ len(batch)", late="").replace(
            "            objective.backward()\n", "")),
    loop("gradients zeroed before the step", "zeroed_too_late", zero="pass",
         late="model.zero_grad()"),
    loop("the loop divides again", "mean_twice", mean="/ len(batch) / len(batch)"),
    loop("the loop sums", "no_mean", mean="* 1.0"),
    loop("no shuffle in the loop", "no_shuffle", shuffle="order = list(range(n))"),
    loop("one shuffle for every epoch", "same_shuffle",
         before="order = list(range(n)); rng.shuffle(order)", shuffle="pass"),
    loop("the loop shuffles batches only", "batch_order_only", shuffle="order = list(range(n))",
         batches="rng.shuffle(batches)"),
    loop("the loop drops the last batch", "last_batch_dropped",
         batches="batches = [b for b in batches if len(b) == batch_size]"),
    loop("the loop steps uphill", "update_sign", late="lr = -abs(lr)"),
    Wrong("a step before backward", "7.2", "step_before_backward", '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    n = len(inputs)
    losses = []
    for _ in range(epochs):
        order = list(range(n))
        rng.shuffle(order)
        for s in range(0, n, batch_size):
            batch = order[s:s + batch_size]
            for p in model.parameters():
                p.data -= lr * p.grad
            model.zero_grad()
            objective = batch_loss(model, [inputs[i] for i in batch],
                                   [targets[i] for i in batch], loss)
            objective.backward()
            losses.append(objective.data)
    return losses
'''),
    Wrong("nn.SGD in the loop", "7.2", "engine_call", '''
def train(model, inputs, targets, loss, epochs, batch_size, lr, rng):
    import nn
    optimizer = nn.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        order = list(range(len(inputs)))
        rng.shuffle(order)
        for s in range(0, len(order), batch_size):
            batch = order[s:s + batch_size]
            model.zero_grad()
            objective = batch_loss(model, [inputs[i] for i in batch],
                                   [targets[i] for i in batch], loss)
            objective.backward()
            optimizer.step()
            losses.append(objective.data)
    return losses
'''),
]

FIRST_WEIGHT = '''
def first_weight_gradient(weights, x, activation):
    ws = [Value(w) for w in weights]
    xv = Value(x)
    z = xv
    for w in ws:
        s = w * z
        z = {{"sigmoid": s.sigmoid, "tanh": s.tanh, "relu": s.relu}}[activation]()
    z.backward()
    return {which}.grad
'''

WRONG += [
    # chapter 8
    Wrong("leaky ReLU with ReLU's slope", "8.1", "leaky_slope",
          "def leaky_relu(a, alpha=0.01):\n    return (a, (1.0,)) if a > 0 else "
          "(alpha * a, (0.0,))\n"),
    Wrong("SiLU's slope σ(a)", "8.1", "silu_product_rule", '''
def silu(a):
    s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
    return a * s, (s,)
'''),
    Wrong("the last weight's gradient", "8.2", "last_weight", FIRST_WEIGHT.format(which="ws[-1]")),
    Wrong("the input's gradient", "8.2", "input_gradient", FIRST_WEIGHT.format(which="xv")),
    Wrong("a bound with (¼)^(L−1)", "8.2", "bound_depth", '''
def sigmoid_bound(weights, x):
    return abs(x) * math.prod(abs(w) for w in weights[1:]) * 0.25 ** (len(weights) - 1)
'''),
    Wrong("a bound of (¼)^L alone", "8.2", "bound_without_weights",
          "def sigmoid_bound(weights, x):\n    return 0.25 ** len(weights)\n"),
]

SOFTMAX_MATRIX = '''
def softmax_gradients(W, z, t):
    s = W @ z
    m = float(np.max(s))
    total = float(np.sum(np.exp(s - m)))
    loss = m + math.log(total) - float(s[t])
    p = np.exp(s - m) / total
    delta = {delta}
    return loss, {grad_W}, W.T @ delta
'''


def softmax_matrix(name: str, mistake: str, delta: str = "p - np.eye(len(p))[t]",
                   grad_W: str = "np.outer(delta, z)") -> Wrong:
    return Wrong(name, "9.2", mistake, SOFTMAX_MATRIX.format(delta=delta, grad_W=grad_W))


WRONG += [
    # chapter 9
    Wrong("log(1 + e^{−ys}) as written", "9.1", "unstable_logistic", '''
def logistic_loss(score, label):
    e = math.exp(-label * score)
    return math.log(1 + e), -label * e / (1 + e)
'''),
    Wrong("the slope without y", "9.1", "label_factor", '''
def logistic_loss(score, label):
    m = -label * score
    value = m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
    sigma = 1.0 / (1.0 + math.exp(-m)) if m >= 0 else math.exp(m) / (1.0 + math.exp(m))
    return value, -sigma
'''),
    Wrong("the 0/1 cross-entropy", "9.1", "labels_01", '''
def logistic_loss(score, label):
    def softplus(m):
        return m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))

    def sigma(a):
        return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))

    value = label * softplus(-score) + (1 - label) * softplus(score)
    return value, -label * sigma(-score) + (1 - label) * sigma(score)
'''),
    softmax_matrix("δ = softmax alone", "one_hot_missing", delta="p"),
    softmax_matrix("δ = e_t − softmax", "wrong_sign", delta="np.eye(len(p))[t] - p"),
    softmax_matrix("z δᵀ for ∂ℓ/∂W", "transpose", grad_W="np.outer(z, delta)"),
    Wrong("softmax without the max", "9.2", "unstable_softmax", '''
def softmax_gradients(W, z, t):
    s = W @ z
    p = np.exp(s) / np.sum(np.exp(s))
    delta = p - np.eye(len(p))[t]
    return float(-np.log(p[t])), np.outer(delta, z), W.T @ delta
'''),
]

GRADCHECK = '''
def gradcheck(f, gradient, point, eps=1e-6, rtol=1e-5, atol=1e-8):
    for index in range({indices}):
        above, below = list(point), list(point)
        above[index] += {step}
        below[index] -= {step}
        numeric = (f(above) - f(below)) / (2 * {step})
        if not abs(gradient[index] - numeric) <= {bound}:
            return False
    return True
'''


def gradcheck(name: str, mistake: str, indices: str = "len(point)", step: str = "eps",
              bound: str = "atol + rtol * abs(numeric)") -> Wrong:
    return Wrong(name, "10.2", mistake, GRADCHECK.format(indices=indices, step=step,
                                                         bound=bound))


WRONG += [
    # chapter 10
    Wrong("the naive count with a running product", "10.1", "naive_reuses", '''
def naive_derivatives(factors):
    derivatives = [0.0] * len(factors)
    running, products = 1.0, 0
    for k in range(len(factors) - 1, -1, -1):
        running *= factors[k]
        products += 1
        derivatives[k] = running
    return derivatives, products
'''),
    Wrong("the first factor not counted", "10.1", "count_off_by_one", '''
def naive_derivatives(factors):
    derivatives, products = [], 0
    for k in range(len(factors)):
        product = factors[k]
        for g in factors[k + 1:]:
            product *= g
            products += 1
        derivatives.append(product)
    return derivatives, products
'''),
    Wrong("the sweep recomputing each product", "10.1", "sweep_recomputes", '''
def sweep_derivatives(factors):
    derivatives, products = [], 0
    for k in range(len(factors)):
        product = 1.0
        for g in factors[k:]:
            product *= g
            products += 1
        derivatives.append(product)
    return derivatives, products
'''),
    Wrong("the sweep's list output first", "10.1", "reversed_list", '''
def sweep_derivatives(factors):
    derivatives, running, products = [], 1.0, 0
    for k in range(len(factors) - 1, -1, -1):
        running *= factors[k]
        products += 1
        derivatives.append(running)
    return derivatives, products
'''),
    gradcheck("an absolute tolerance alone", "absolute_only", bound="atol"),
    gradcheck("a relative tolerance alone", "relative_only", bound="rtol * abs(numeric)"),
    gradcheck("only the first coordinate", "first_coordinate_only", indices="1"),
    gradcheck("its own ε", "eps_ignored", step="1e-6"),
]

OUTPUT = '''
def output_gradients(weights, x, y, output):
    activations = [np.asarray(x, dtype=float)]
    for index, W in enumerate(weights):
        s = W @ activations[-1]
        last = index == len(weights) - 1
        activations.append(s if last and {linear} else np.tanh(s))
    out = activations[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = 2.0 * (out - y)
    if {slope}:
        delta = delta * (1.0 - out**2)
    grads = [None] * len(weights)
    for index in range(len(weights) - 1, -1, -1):
        grads[index] = np.outer(delta, activations[index])
        if index > 0:
            delta = (weights[index].T @ delta) * (1.0 - activations[index] ** 2)
    return loss, grads
'''

WRONG += [
    # chapter 6, the output layer as the lecture writes it
    Wrong("the tanh output left linear", "6.3", "output_not_activated",
          OUTPUT.format(linear="True", slope="False")),
    Wrong("a tanh output without its slope in δ", "6.3", "output_slope_missing",
          OUTPUT.format(linear="output == 'linear'", slope="False")),
    Wrong("every output activated", "6.3", "last_layer_activated",
          OUTPUT.format(linear="False", slope="True")),
]

WRONG += [
    # the rest of the named mistakes, one each
    Wrong("add returning a bare number", "1.1", "wrong_type",
          "def add(a, b):\n    return a + b\n"),
    Wrong("log(a) computed as log10", "1.2", "wrong_value",
          "def log(a):\n    return math.log10(a), (1.0 / a,)\n"),
    Wrong("sigmoid's slope as σ(a)²", "1.2", "wrong_local_derivative", '''
def sigmoid(a):
    s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
    return s, (s * s,)
'''),
    Wrong("order of the inputs only", "2.1", "missing_nodes", '''
def topological_order(root):
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if not node.parents:
            order.append(node)
        stack.extend(node.parents)
    return order + ([root] if root.parents else [])
'''),
    Wrong("each node emitted when first reached", "2.1", "parent_after_node", '''
def topological_order(root):
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(node.parents)
    order.reverse()
    return order
'''),
    Wrong("every leaf at rate 1", "3.1", "leaves_seeded", '''
def chain_rule_derivative(root, w):
    rate = {}
    for node in topological_order(root):
        if node is w or not node.parents:
            rate[node] = 1.0
        else:
            rate[node] = sum(g * rate[p] for p, g in zip(node.parents, node.local_grads))
    return rate[root] if w in rate else 0.0
'''),
    Wrong("rates from the output down", "3.1", "rate_before_parents", '''
def chain_rule_derivative(root, w):
    rate = {w: 1.0}
    for node in reversed(topological_order(root)):
        if node is not w and node.parents:
            rate[node] = sum(g * rate[p] for p, g in zip(node.parents, node.local_grads))
    return rate.get(root, 0.0)
'''),
    central("the quotient over 2", "divisor_without_eps", divisor="2.0"),
    Wrong("a step for the first parameter only", "5.1", "partial_update", '''
def sgd_step(parameters, lr):
    parameters[0].data -= lr * parameters[0].grad
'''),
    Wrong("the step written to .grad", "5.1", "updated_grad", '''
def sgd_step(parameters, lr):
    for p in parameters:
        p.grad = p.data - lr * p.grad
'''),
    two("Θ′ from the sums of the layer", "wrong_activation_derivative",
        down="(W.T @ delta) * (1.0 - (V @ x) ** 2)"),
    two("∂ℓ/∂W without its 2", "wrong_delta", grad_W="np.outer(out - y, z)"),
    two("the message with 1 − z", "wrong_message", down="(W.T @ delta) * (1.0 - z)"),
    Wrong("the gradients listed last layer first", "6.2", "grads_reversed",
          DEEP.format(forward="s if index == len(weights) - 1 else np.tanh(s)",
                      slope="activations[index]").replace("return loss, grads",
                                                          "return loss, grads[::-1]")),
    loop("one epoch too many", "epoch_count", before="epochs = epochs + 1"),
    loop("the loss list of the last epoch only", "wrong_losses",
         shuffle="order = list(range(n)); rng.shuffle(order); losses = []"),
]
