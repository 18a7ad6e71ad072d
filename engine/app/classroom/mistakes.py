"""The named mistakes: what a teaching assistant would say when a check fails.

Each ``Mistake`` has a short name (the words a report shows after "Looks
like"), a sentence on why it gives wrong numbers, and a hint. The checks of
every exercise diagnose a failure as one of these when the evidence fits
(``engine.app.classroom.diagnose``), so a student reads "`=` instead of `+=`
at node 'a'" instead of a bare comparison. Teachers' own checks reuse them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One classic mistake, in words."""

    key: str
    name: str
    why: str
    hint: str

    def __str__(self) -> str:
        return self.name


def _m(key: str, name: str, why: str, hint: str) -> Mistake:
    mistake = Mistake(key, name, why, hint)
    MISTAKES[key] = mistake
    return mistake


MISTAKES: dict[str, Mistake] = {}

# --- any exercise -----------------------------------------------------------------------

NOT_IMPLEMENTED = _m(
    "not_implemented", "not implemented yet",
    "the function still raises NotImplementedError",
    "delete the `raise NotImplementedError(...)` line and write the body",
)
ENGINE_CALL = _m(
    "engine_call", "calling the engine's own implementation",
    "the exercise is to build this yourself; calling sweepgrad's version skips it",
    "write it with the pieces the docstring allows (Value(data, parents, local_grads, op), "
    "loops, .data and .grad)",
)
WRONG_TYPE = _m(
    "wrong_type", "the result has the wrong type",
    "the docstring says what to return",
    "return exactly what the docstring describes",
)

# --- local derivatives (chapter 1) --------------------------------------------------------

WRONG_VALUE = _m(
    "wrong_value", "a wrong value in the forward pass",
    "the value of the operation itself is off, before any derivative",
    "compute the value with math first; check it at a point you can do by hand",
)
SWAPPED_OPERANDS = _m(
    "swapped_operands", "the local derivatives of the two operands are swapped",
    "∂(a·b)/∂a is b, not a: each operand's derivative is the other operand",
    "list the derivatives in operand order: (∂c/∂a, ∂c/∂b)",
)
WRONG_SIGN = _m(
    "wrong_sign", "a wrong sign",
    "the number has the right size but the opposite sign",
    "redo the derivative by hand, sign by sign (d(1/b)/db = −1/b²)",
)
MISSING_FACTOR = _m(
    "missing_factor", "a missing factor in the local derivative",
    "the chain rule or the power rule leaves a factor you dropped (n in n·aⁿ⁻¹, "
    "the inner derivative, a square)",
    "differentiate by hand again and compare with central differences at one point",
)
WRONG_LOCAL_DERIVATIVE = _m(
    "wrong_local_derivative", "a wrong local derivative",
    "the value is right, but the slope recorded beside it is not the function's derivative",
    "differentiate by hand and compare with central differences at one point",
)
UNSTABLE_SIGMOID = _m(
    "unstable_sigmoid", "an unstable sigmoid",
    "1/(1 + e⁻ᵃ) computes e⁻ᵃ, which overflows for a ≲ −710",
    "for a < 0 use the equal form eᵃ/(1 + eᵃ): its exponent is never positive",
)
RELU_AT_ZERO = _m(
    "relu_at_zero", "the slope of ReLU at 0 is not 0",
    "the convention (PyTorch's too) is ReLU′(0) = 0",
    "use a strict comparison: 1 if a > 0 else 0",
)
FLOAT_NOT_NODE = _m(
    "float_not_node", "the node is not built with the Value constructor",
    "a node needs its parents and local derivatives, or backward cannot reach the inputs",
    "return Value(data, parents, local_grads, op) with parents a tuple",
)
SET_OF_PARENTS = _m(
    "set_of_parents", "x * x loses an edge",
    "parents must be a tuple with one entry per operand; a set (or deduplication) keeps x once",
    "parents=(a, b), even when a is b",
)

# --- the sweep and the chain rule (chapters 2 and 3) ---------------------------------------

ASSIGN_NOT_ACCUMULATE = _m(
    "assign_not_accumulate", "`=` instead of `+=`",
    "a node used twice (fan-out, or x*x) gets one contribution per edge; `=` keeps only the "
    "last one",
    "accumulate: parent.grad += local_grad * node.grad",
)
MISSING_LOCAL_FACTOR = _m(
    "missing_local_factor", "the local derivative is missing",
    "each edge must multiply by ∂node/∂parent (node.local_grads); without it every edge "
    "passes the gradient on unchanged",
    "parent.grad += local_grad * node.grad, with local_grad from zip(node.parents, "
    "node.local_grads)",
)
MISSING_UPSTREAM_FACTOR = _m(
    "missing_upstream_factor", "the upstream gradient is missing",
    "each edge must multiply the local derivative by the gradient arriving at the node "
    "(node.grad); without it only the last edge counts",
    "parent.grad += local_grad * node.grad",
)
FORWARD_ORDER = _m(
    "forward_order", "the sweep runs in topological order instead of reverse",
    "visiting inputs first passes each gradient on before its consumers have added "
    "their shares",
    "for node in reversed(order): the output first, the inputs last",
)
ROOT_NOT_SEEDED = _m(
    "root_not_seeded", "the output's gradient is not set to 1",
    "d(root)/d(root) = 1 starts the sweep; without it every product is 0",
    "set root.grad = 1.0 before the loop",
)
NOTHING_PASSED_ON = _m(
    "nothing_passed_on", "nothing is passed on along the edges",
    "the sweep must add local_grad · node.grad to every parent; when no parent's .grad "
    "changes, the loop over the edges never ran, skipped the output, or wrote somewhere else",
    "for node in reversed(order): for parent, local in zip(node.parents, node.local_grads): "
    "parent.grad += local * node.grad",
)
RECURSION = _m(
    "recursion", "recursion over the graph",
    "a function that calls itself once per node needs one Python frame per level: a deep "
    "graph exceeds the stack, and raising sys.setrecursionlimit only moves the crash",
    "use a list as a stack (push parents, pop nodes) instead of calling yourself",
)
VISITED_TWICE = _m(
    "visited_twice", "a node is visited more than once",
    "a node reached by two paths is processed once per path, so it is listed twice or its "
    "gradient is counted twice",
    "keep a set of visited nodes and skip a node already in it",
)
REVERSED_ORDER = _m(
    "reversed_order", "the order is reversed: the root comes first",
    "topological order lists every node after its parents, so the root is last",
    "emit a node after its parents are done, or reverse the list at the end",
)
PARENT_AFTER_NODE = _m(
    "parent_after_node", "a node comes before one of its parents",
    "a node may only be emitted when all its parents have been",
    "emit a node the second time it is popped (when its parents are done)",
)
MISSING_NODES = _m(
    "missing_nodes", "some nodes are missing from the order",
    "every node the root depends on must be listed, leaves included",
    "follow every parent of every node, not only the first",
)
RATE_BEFORE_PARENTS = _m(
    "rate_before_parents", "a rate is read before it is computed",
    "d(node)/dw needs the rates of all the node's parents, so the nodes must be visited parents "
    "first, and every leaf other than w needs its rate of 0",
    "go through topological_order(root) (parents first); rate 1 for w, 0 for other leaves",
)
LEAVES_SEEDED = _m(
    "leaves_seeded", "every leaf starts at 1, not only w",
    "dw/dw = 1, but for any other leaf v, dv/dw = 0",
    "rate[node] = 1.0 if node is w, 0.0 for the other leaves",
)
NO_DEPENDENCY = _m(
    "no_dependency", "a weight the root does not depend on is not handled",
    "when w is not behind the root, d(root)/dw is 0",
    "start with rate.get(...) defaults of 0 and return 0.0 when the root was not reached",
)

# --- finite differences (chapter 3) ---------------------------------------------------------

FORWARD_DIFFERENCE = _m(
    "forward_difference", "a one-sided difference instead of a central one",
    "(f(x+ε) − f(x))/ε (or (f(x) − f(x−ε))/ε) has error O(ε); the central difference "
    "(f(x+ε) − f(x−ε))/(2ε) has O(ε²)",
    "evaluate on both sides: x + ε and x − ε, and divide by 2ε",
)
HALF_DIVISOR = _m(
    "half_divisor", "divided by ε instead of 2ε",
    "the two points x ± ε are 2ε apart",
    "divide by (2 * eps)",
)
BAD_EPS = _m(
    "bad_eps", "the default ε is not 1e-6",
    "called without eps, the quotient uses another step: too large an ε leaves truncation "
    "error, too small one rounding noise",
    "give the function the default the docstring names: eps=1e-6",
)
EPS_IGNORED = _m(
    "eps_ignored", "the eps argument is ignored",
    "the caller's eps must be the step used; a number of your own replaces it",
    "step by the eps parameter: point[index] ± eps, and divide by 2 * eps",
)
W_NOT_SEEDED = _m(
    "w_not_seeded", "dw/dw is not set to 1",
    "forward-mode rates start at w: dw/dw = 1; without it every rate after it is 0",
    "rate[w] = 1.0 when the loop reaches w",
)
DIVISOR_WITHOUT_EPS = _m(
    "divisor_without_eps", "the difference is divided by 2, not by 2ε",
    "the slope is the rise over the run: the run from x − ε to x + ε is 2ε",
    "divide by (2 * eps)",
)
MUTATES_POINT = _m(
    "mutates_point", "the point given is changed",
    "the caller's list must stay as it was",
    "copy it first: above = list(point)",
)

# --- networks (chapter 4) -----------------------------------------------------------------

BIAS_MISSING = _m(
    "bias_missing", "the bias is missing",
    "S = Σ wᵢ·xᵢ + b: without b the neuron cannot shift its threshold",
    "start the sum at the bias",
)
BIAS_AFTER_ACTIVATION = _m(
    "bias_after_activation", "the bias is added after the activation",
    "the bias belongs inside: Θ(Σ wᵢ·xᵢ + b)",
    "add b before applying Θ",
)
BIAS_MIXUP = _m(
    "bias_mixup", "the biases are mixed up",
    "neuron j must use biases[j]; another neuron's bias gives wrong outputs and puts "
    "gradients on the wrong bias",
    "pair them with zip(weights, biases)",
)
WEIGHTS_TRANSPOSED = _m(
    "weights_transposed", "the weights are read transposed",
    "weights[j] holds neuron j's weights (one per input); weights[i][j] is not input i's",
    "neuron j: Σᵢ weights[j][i] · inputs[i]",
)
WRONG_ACTIVATION = _m(
    "wrong_activation", "the wrong activation",
    "the activation must be the one named by the argument",
    "branch on the activation name: tanh, relu, sigmoid, linear",
)
NO_ERROR_FOR_BAD_INPUT = _m(
    "no_error_for_bad_input", "bad arguments are not rejected",
    "an unknown activation name or one weight too many must raise ValueError, not give a "
    "number",
    "raise ValueError naming the activation, or the two lengths",
)
LAST_LAYER_ACTIVATED = _m(
    "last_layer_activated", "the last layer is activated",
    "this exercise's last layer is linear (the lecture on losses writes regression with "
    "h(t) = t), so its outputs are the sums themselves",
    "use 'linear' for the last layer, the activation for the others",
)
OUTPUT_NOT_ACTIVATED = _m(
    "output_not_activated", "the output layer is left linear",
    "with an activated output, x⁽ᴸ⁾ = Θ(s⁽ᴸ⁾): the forward pass applies Θ at the last layer "
    "too, and δ⁽ᴸ⁾ = 2(x⁽ᴸ⁾ − y)·Θ′(s⁽ᴸ⁾)",
    "when output == 'tanh', out = np.tanh(W @ z) and δ = 2(out − y)·(1 − out²)",
)
OUTPUT_SLOPE_MISSING = _m(
    "output_slope_missing", "Θ′ of the output layer is missing from δ⁽ᴸ⁾",
    "the output is activated in the forward pass, so the chain rule passes through Θ at the "
    "output: δ⁽ᴸ⁾ = 2(x⁽ᴸ⁾ − y)·Θ′(s⁽ᴸ⁾)",
    "δ = 2(out − y) * (1 − out**2) for a tanh output",
)
LAST_LAYER_DROPPED = _m(
    "last_layer_dropped", "a layer is dropped",
    "every layer (weights, biases) must be applied in turn, the last one too",
    "loop over all the layers",
)
DETACHED = _m(
    "detached", "computed on floats, so no gradient flows",
    "using .data (or math functions) makes a number, not a node: backward cannot reach "
    "the weights",
    "build with Value operations (+, *, .tanh(), .exp(), .log())",
)

# --- training (chapters 5 and 7) -----------------------------------------------------------

UPDATE_SIGN = _m(
    "update_sign", "the update has the wrong sign",
    "θ + η·g climbs the loss; gradient descent steps against the gradient",
    "p.data -= lr * p.grad",
)
MISSING_LR = _m(
    "missing_lr", "the learning rate is missing from the update",
    "the step is η·g, not g",
    "p.data -= lr * p.grad",
)
REBINDING = _m(
    "rebinding", "the parameters are not changed in place",
    "no parameter moved although every one has a gradient: `p = p - lr * p.grad` makes a new "
    "Value and leaves the model's parameter as it was (and so does a step that writes nothing)",
    "change the parameter in place: p.data -= lr * p.grad",
)
PARTIAL_UPDATE = _m(
    "partial_update", "not every parameter is updated",
    "the step must move every parameter in the list (a return inside the loop stops at the first)",
    "loop over all the parameters, and return after the loop",
)
WRONG_LOSSES = _m(
    "wrong_losses", "the losses returned are not one batch loss per step",
    "the list must hold L.data of every step's batch mean, in order",
    "append objective.data after each step",
)
UPDATED_GRAD = _m(
    "updated_grad", "the gradient is changed instead of the data",
    "the step must move p.data; p.grad only says which way",
    "p.data -= lr * p.grad",
)
GRAD_RESET_IN_STEP = _m(
    "grad_reset_in_step", "the step resets the gradients",
    "sgd_step only updates the data; resetting .grad is zero_grad's job",
    "leave p.grad as it is",
)
NOT_ZEROED = _m(
    "not_zeroed", "gradients not zeroed between steps",
    "backward() adds to .grad, so each step adds the gradients of every earlier batch",
    "zero every parameter's grad (model.zero_grad()) before each backward()",
)
STEP_BEFORE_BACKWARD = _m(
    "step_before_backward", "the step comes before backward()",
    "each step must use the gradient of its own batch; stepping first uses the previous one",
    "zero the gradients, compute the batch loss, backward(), then step",
)
ZEROED_TOO_LATE = _m(
    "zeroed_too_late", "gradients zeroed between backward() and the step",
    "the step then sees gradients of 0 and nothing moves",
    "zero the gradients before backward(), step after it",
)
MEAN_TWICE = _m(
    "mean_twice", "the batch mean is taken twice",
    "dividing by the batch size twice makes every step B times too small",
    "divide by B once: (1/B) Σ ℓ",
)
NO_MEAN = _m(
    "no_mean", "the batch mean is not taken",
    "the sum over the batch makes every step B times too large",
    "divide the summed loss by the batch size",
)
NO_SHUFFLE = _m(
    "no_shuffle", "no shuffle",
    "every epoch sees the examples in their original order",
    "shuffle the indices with rng.shuffle at the start of every epoch",
)
EPOCH_COUNT = _m(
    "epoch_count", "the loop runs another number of epochs than asked",
    "the parameters are those of one epoch more or fewer than `epochs`",
    "for _ in range(epochs): every epoch, no more, no fewer",
)
SAME_SHUFFLE = _m(
    "same_shuffle", "the same shuffle every epoch",
    "the order is random once and then repeats, so every epoch sees the same batches",
    "call rng.shuffle on the generator you were given, every epoch (do not reseed)",
)
BATCH_ORDER_ONLY = _m(
    "batch_order_only", "only the order of the batches is shuffled",
    "each batch always holds the same consecutive examples; shuffle the examples, then cut",
    "shuffle the indices first, then cut them into batches",
)
LAST_BATCH_DROPPED = _m(
    "last_batch_dropped", "the last partial batch is dropped",
    "when B does not divide n the remaining examples must still form a (smaller) batch",
    "range(0, n, batch_size) gives every start, the last one too",
)
LAST_BATCH_PADDED = _m(
    "last_batch_padded", "the last partial batch is padded",
    "filling the last batch up to B repeats examples, so they count twice",
    "let the last batch be smaller",
)
RNG_IGNORED = _m(
    "rng_ignored", "the random generator given is not used",
    "the result must follow the rng argument, so that a seed reproduces it",
    "call rng.shuffle(...), not random.shuffle(...)",
)
UNSTABLE_SOFTMAX = _m(
    "unstable_softmax", "an unstable softmax",
    "e^s overflows for scores near 710 and beyond, which gives inf or nan",
    "subtract the constant m = max(s.data) before exp and add it back after log",
)
MAX_NOT_RESTORED = _m(
    "max_not_restored", "the max subtracted inside the exp is not added back",
    "log Σₖ e^{sₖ} = m + log Σₖ e^{sₖ − m}: subtracting m inside needs + m after the log",
    "ℓ = m + log Σₖ e^{sₖ − m} − s_t, with m = max(s.data) a plain number",
)
LOSS_ARGUMENTS_SWAPPED = _m(
    "loss_arguments_swapped", "the loss is called as loss(target, prediction)",
    "the loss is not symmetric in its two arguments: loss(prediction, target) is the "
    "one the docstring gives",
    "call loss(model(x), y): the prediction first, the target second",
)
ONE_EXAMPLE_KEPT = _m(
    "one_example_kept", "only one example's loss is kept",
    "the batch loss must add every example's loss; `total = loss(...)` in the loop keeps the "
    "last one",
    "total = total + loss(model(x), y) for every example, then divide by B once",
)
BACKWARD_MISSING = _m(
    "backward_missing", "backward() never reaches the parameters",
    "the model was called, but no parameter ever held a gradient, so the step had nothing "
    "to follow",
    "call objective.backward() on each batch's mean loss, before the step",
)

# --- the matrix form (chapter 6) -----------------------------------------------------------

TRANSPOSE = _m(
    "transpose", "a transpose is wrong (or a product has the wrong shape)",
    "∂ℓ/∂W = δ zᵀ (an outer product, K×M) and the message down is Wᵀδ",
    "check every shape: W is K×M, δ has K entries, z has M",
)
DERIVATIVE_WRONG_LAYER = _m(
    "derivative_wrong_layer", "Θ′ is taken at the wrong layer",
    "δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ Θ′(S⁽ˡ⁾) uses the layer's own sums, not the next or previous "
    "layer's",
    "with tanh, Θ′(S⁽ˡ⁾) = 1 − (x⁽ˡ⁾)², from the activations of layer l itself",
)
MISSING_DERIVATIVE = _m(
    "missing_derivative", "Θ′ is missing",
    "the message going down must be multiplied by the activation's derivative",
    "multiply elementwise by (1 − z²) for tanh",
)
WRONG_ACTIVATION_DERIVATIVE = _m(
    "wrong_activation_derivative", "Θ′ is computed wrong",
    "for tanh, Θ′(S) = 1 − tanh²(S) = 1 − z², from the activations z, not 1 − S² from the sums",
    "keep the activations of the forward pass and use 1 − z**2",
)
WRONG_MESSAGE = _m(
    "wrong_message", "the message passed down to the layer below is wrong",
    "the last layer's gradient is right, so δ at the output is; what goes down, "
    "(Wᵀδ) ⊙ Θ′(S), is not",
    "∂ℓ/∂z = Wᵀδ, then multiply elementwise by Θ′ of the layer below",
)
WRONG_DELTA = _m(
    "wrong_delta", "the gradient of the last layer is wrong",
    "the loss is right but ∂ℓ/∂W of the last layer is not: it is δ zᵀ, with δ = 2(out − y) "
    "for a linear output and z the layer's input (the activations below it)",
    "∂ℓ/∂W = np.outer(2 * (out - y), z)",
)
GRADS_REVERSED = _m(
    "grads_reversed", "the gradients are listed in the wrong order",
    "the i-th gradient must belong to the i-th weight matrix; a backward loop finds them last "
    "layer first",
    "fill grads[index] (or reverse the list at the end)",
)
SQUARED_NORM = _m(
    "squared_norm", "the loss is not the squared norm ‖out − y‖²",
    "ℓ sums the squares of the errors; a mean (or no square) gives another loss and other "
    "gradients",
    "loss = float(np.sum((out - y) ** 2))",
)
MISSING_TWO = _m(
    "missing_two", "the factor 2 of the squared loss is missing",
    "d‖r‖²/dr = 2r",
    "δ = 2(out − y)",
)

# --- activations and vanishing gradients (chapter 8) ----------------------------------------

LEAKY_SLOPE = _m(
    "leaky_slope", "the slope of leaky ReLU below 0 is not α",
    "LReLU(a) = α·a for a < 0, so its slope there is α (not 0 as for ReLU, not 1)",
    "slope = 1.0 if a > 0 else alpha",
)
SILU_PRODUCT_RULE = _m(
    "silu_product_rule", "SiLU's slope misses a term of the product rule",
    "d(a·σ(a))/da = σ(a) + a·σ′(a) = σ(a)·(1 + a·(1 − σ(a))): both terms",
    "slope = s * (1 + a * (1 - s)) with s = σ(a)",
)
LAST_WEIGHT = _m(
    "last_weight", "the gradient of the last weight instead of the first",
    "∂out/∂w₁ passes through every layer of the chain; ∂out/∂w_L only through the last",
    "keep the Value of weights[0] (w₁) and return its .grad after backward()",
)
INPUT_GRADIENT = _m(
    "input_gradient", "∂out/∂x instead of ∂out/∂w₁",
    "the first layer's sum is w₁·x: its derivative in w₁ is x, in x it is w₁",
    "make w₁ a Value and x a plain number (or read w₁'s .grad, not x's)",
)
BOUND_DEPTH = _m(
    "bound_depth", "the bound has one factor ¼ too many or too few",
    "each of the L layers multiplies by σ′ ≤ ¼, so the bound has (¼)^L, and a weight for "
    "each layer above the first",
    "bound = |x| · Π_{k≥2} |w_k| · 0.25 ** L",
)
BOUND_WITHOUT_WEIGHTS = _m(
    "bound_without_weights", "the bound leaves out the weights or the input",
    "∂out/∂w₁ = x · σ′(s₁) · Π_{k≥2} w_k·σ′(s_k): the weights above the first, and x, "
    "multiply too",
    "bound = |x| · Π_{k≥2} |w_k| · 0.25 ** L",
)

# --- losses (chapter 9) ----------------------------------------------------------------------

UNSTABLE_LOGISTIC = _m(
    "unstable_logistic", "an unstable logistic loss",
    "log(1 + e^{−y·s}) computes e^{−y·s}, which overflows for y·s ≲ −710",
    "for m = −y·s > 0 use m + log(1 + e^{−m}) (math.log1p); the slope from the stable σ",
)
LABEL_FACTOR = _m(
    "label_factor", "the label's factor y is missing from the slope",
    "d log(1 + e^{−y·s})/ds = −y·σ(−y·s): the inner derivative of −y·s is −y",
    "slope = -y * σ(-y * s)",
)
LABELS_01 = _m(
    "labels_01", "the labels are read as 0 and 1",
    "the lecture's binary labels are y ∈ {+1, −1}; −1 is not the 0 of the cross-entropy "
    "with y ∈ {0, 1}",
    "ℓ = log(1 + e^{−y·s}) with y = ±1 as given",
)
ONE_HOT_MISSING = _m(
    "one_hot_missing", "e_t is not subtracted from the softmax",
    "∂ℓ/∂s = softmax(s) − e_t: the −s_t term of the loss gives −1 at the target",
    "delta = p.copy(); delta[t] -= 1.0",
)

# --- the cost of the naive methods, and gradient checking (chapter 10) ----------------------

NAIVE_REUSES = _m(
    "naive_reuses", "the naive count reuses products, as the sweep does",
    "the per-edge chain rule multiplies every path's factors from scratch: T + (T − 1) + … + 1 "
    "= T(T + 1)/2 products for T links; keeping a running product is the sweep's saving",
    "for each k, start from 1.0 and multiply factors k…T again, counting each product",
)
COUNT_OFF_BY_ONE = _m(
    "count_off_by_one", "a path's product counted one short",
    "counting from 1.0, a product of m factors takes m multiplications; m − 1 counts only "
    "those after the first factor",
    "start every product at 1.0 and count every multiplication",
)
SWEEP_RECOMPUTES = _m(
    "sweep_recomputes", "the sweep recomputes what it already has",
    "the backward sweep multiplies each link once into the running product: T products "
    "for T links",
    "running = 1.0; for each factor from the output down: running *= factor (one product)",
)
REVERSED_LIST = _m(
    "reversed_list", "the derivatives are listed in the wrong order",
    "derivatives[k] belongs to link k + 1, counted from the input; a loop from the output "
    "finds them last first",
    "fill derivatives[k] by index, or reverse the list at the end",
)
ABSOLUTE_ONLY = _m(
    "absolute_only", "only an absolute tolerance",
    "a right gradient of size 10⁶ differs from central differences by about 10⁻⁴ from "
    "rounding alone: a tolerance must grow with the size of the numbers",
    "|analytic − numeric| ≤ atol + rtol·|numeric|",
)
RELATIVE_ONLY = _m(
    "relative_only", "only a relative tolerance",
    "where the gradient is 0, central differences give about 10⁻¹⁰, and any relative "
    "error to 0 is huge: a small absolute tolerance must be allowed too",
    "|analytic − numeric| ≤ atol + rtol·|numeric|",
)
FIRST_COORDINATE_ONLY = _m(
    "first_coordinate_only", "only some coordinates are compared",
    "a gradient is right only when every one of its coordinates is",
    "loop over every index of the point, and return False at the first that fails",
)
