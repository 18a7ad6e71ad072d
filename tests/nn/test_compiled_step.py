"""fit's compiled step: the same history as building the graph every step, loss for
loss, for every nn loss; one compiled function per batch size; the dynamic step
wherever the graph's shape could depend on values."""

import math

import pytest

import nn
from engine import detect_anomaly
from nn.compiled_step import CompiledStep, DynamicStep, training_step


def train(compile, make_optimizer, loss="hinge", data=None, sizes=(16, 16, 1),
          activation="relu", **options):
    data = data or nn.moons(57, noise=0.1, seed=3)  # batches of 10 and a last one of 7
    model = nn.MLP(len(data.inputs[0]), list(sizes), activation, seed=1)
    compiled_steps = []
    original = CompiledStep.forward

    def counted(self, inputs, targets):
        compiled_steps.append(len(inputs))
        return original(self, inputs, targets)

    CompiledStep.forward = counted
    try:
        history = nn.fit(model, data, loss=loss, optimizer=make_optimizer(model), quiet=True,
                         compile=compile, **options)
    finally:
        CompiledStep.forward = original
    assert len(compiled_steps) == (history.steps if compile else 0)
    return history, [p.data for p in model.parameters()]


def assert_same_training(**options):
    dynamic, dynamic_params = train(False, **options)
    compiled, compiled_params = train(True, **options)
    assert dynamic.steps == compiled.steps > 0
    assert compiled.step_loss == dynamic.step_loss  # loss for loss, exactly
    assert compiled.train_loss == dynamic.train_loss
    assert compiled.train_accuracy == dynamic.train_accuracy
    assert compiled.test_loss == dynamic.test_loss
    assert compiled_params == dynamic_params


def test_hinge_minibatches_with_a_short_last_batch_and_l2_train_exactly_alike():
    assert_same_training(make_optimizer=lambda m: nn.SGD(m.parameters(), lr=0.3, momentum=0.9),
                         epochs=4, batch_size=10, l2=1e-3, test_data=nn.moons(20, seed=9))


def test_squared_loss_regression_with_adam_trains_exactly_alike():
    assert_same_training(make_optimizer=lambda m: nn.Adam(m.parameters(), lr=0.02),
                         loss="squared", data=nn.regression_1d(30, seed=2), sizes=(8, 1),
                         epochs=3, batch_size=8)


def test_several_outputs_with_list_targets_train_exactly_alike():
    data = nn.Dataset([[0.1 * k, -0.2 * k] for k in range(12)],
                      [[math.sin(k), math.cos(k)] for k in range(12)])
    assert_same_training(make_optimizer=lambda m: nn.SGD(m.parameters(), lr=0.05), loss="squared",
                         data=data, sizes=(6, 2), epochs=3, batch_size=5)


def test_a_tanh_network_full_batch_trains_exactly_alike():
    def make(model):
        return nn.SGD(model.parameters(), lr=lambda k: 1.0 - 0.5 * k / 10)

    dynamic, dynamic_params = train(False, make, epochs=10, activation="tanh")
    compiled, compiled_params = train(True, make, epochs=10, activation="tanh")
    assert compiled.step_loss == dynamic.step_loss and compiled_params == dynamic_params


def test_logistic_loss_with_labels_0_and_1_trains_exactly_alike():
    assert_same_training(make_optimizer=lambda m: nn.SGD(m.parameters(), lr=0.2, momentum=0.5),
                         loss="logistic", epochs=3, batch_size=10, l2=1e-3,
                         test_data=nn.moons(20, seed=9))


def test_softmax_cross_entropy_on_three_classes_trains_exactly_alike():
    assert_same_training(make_optimizer=lambda m: nn.Adam(m.parameters(), lr=0.05),
                         loss="cross_entropy", data=nn.spirals(45, classes=3, seed=2),
                         sizes=(8, 3), epochs=3, batch_size=10, test_data=nn.blobs(12, seed=1))


@pytest.mark.parametrize("loss", sorted(nn.LOSSES))
def test_every_nn_loss_compiles_and_gives_the_dynamic_history(loss):
    classes = 3 if loss == "cross_entropy" else 1
    data = (nn.blobs(26, classes=3, seed=5) if classes == 3
            else nn.regression_1d(26, seed=5) if loss == "squared" else nn.moons(26, seed=5))
    model = nn.MLP(len(data.inputs[0]), [4, classes], seed=0)
    assert isinstance(training_step(model, nn.LOSSES[loss], 0.0, True), CompiledStep)
    assert_same_training(make_optimizer=lambda m: nn.SGD(m.parameters(), lr=0.1), loss=loss,
                         data=data, sizes=(4, classes), epochs=2, batch_size=8)


def test_one_compiled_function_per_batch_size():
    model = nn.MLP(2, [4, 1], seed=0)
    step = training_step(model, nn.hinge, 0.0, classify=True)
    assert isinstance(step, CompiledStep)
    data = nn.moons(25, seed=0)
    for _ in range(2):
        for inputs, targets in nn.Minibatches(data, 10, seed=0):
            step.forward(inputs, targets)
    assert sorted(key for key in step.compiled) == [(-1,) * 5, (-1,) * 10]


def test_a_loss_of_the_users_own_uses_the_dynamic_step():
    model = nn.MLP(2, [4, 1], seed=0)
    own = lambda o, y: nn.hinge(o, y)  # noqa: E731  # it might read values: not compiled
    assert isinstance(training_step(model, own, 0.0, True), DynamicStep)


def test_models_other_than_nn_layers_and_anomaly_detection_use_the_dynamic_step():
    class Doubled(nn.MLP):
        def __call__(self, xs):
            out = super().__call__(xs)
            return out * 2.0 if out.data > 0 else out  # reads a value: cannot be compiled

    assert isinstance(training_step(Doubled(2, [1], seed=0), nn.hinge, 0.0, True), DynamicStep)
    model = nn.MLP(2, [1], seed=0)
    assert isinstance(training_step(model, nn.hinge, 0.0, True, compiled=False), DynamicStep)
    with detect_anomaly():
        assert isinstance(training_step(model, nn.hinge, 0.0, True), DynamicStep)


def test_an_update_that_fails_half_way_leaves_every_gradient_as_it_was():
    model = nn.MLP(2, [3, 1], seed=0)
    step = training_step(model, nn.hinge, 0.0, classify=True)
    step.forward([[0.5, -0.5]], [1])
    for p in model.parameters():
        p.grad = 7.0
    step.grads[5] = "not a number"  # type: ignore[call-overload]

    with pytest.raises(TypeError):
        step.backward()
    assert all(p.grad == 7.0 for p in model.parameters())


def test_values_are_leaves_of_the_compiled_graph_not_constants():
    # Two batches with different points and labels: one compiled function serves both.
    model = nn.MLP(2, [3, 1], seed=0)
    step = training_step(model, nn.hinge, 0.0, classify=True)
    dynamic = DynamicStep(model, nn.hinge, 0.0, classify=True)
    for inputs, targets in ([[0.5, -1.0], [2.0, 0.1]], [1, 0]), ([[-3.0, 0.2], [0.0, 0.4]], [0, 1]):
        assert step.forward(inputs, targets) == dynamic.forward(inputs, targets)
    assert len(step.compiled) == 1


@pytest.mark.parametrize("data", [nn.moons(23, seed=4), nn.regression_1d(17, seed=5)],
                         ids=["classes", "regression"])
def test_evaluation_by_the_compiled_step_equals_nn_evaluate(data):
    loss = nn.hinge if data.num_classes else nn.squared_error
    model = nn.MLP(len(data.inputs[0]), [5, 1], seed=2)
    step = training_step(model, loss, 0.0, classify=data.num_classes is not None)
    step.forward(data.inputs[:10], data.targets[:10])  # compiles batches of 10
    assert step.evaluate(data) == nn.evaluate(model, data, loss)
    assert len(step.compiled) == 2  # batches of 10, then the rest


def test_a_layer_whose_output_is_a_list_of_one_is_read_as_the_dynamic_step_reads_it():
    data = nn.moons(30, seed=6)
    results = []
    for compiled in (False, True):
        model = nn.Layer(2, 1, activation=None, seed=0)
        history = nn.fit(model, data, epochs=3, batch_size=10, quiet=True, compile=compiled)
        results.append((history.step_loss, history.train_accuracy))
    assert results[0] == results[1]


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
def test_every_activation_compiles_bit_for_bit_at_new_parameters(activation):
    data = nn.moons(8, seed=7)
    model = nn.MLP(2, [5, 4, 1], activation, seed=3)
    step = training_step(model, nn.hinge, 1e-3, classify=True)
    dynamic = DynamicStep(model, nn.hinge, 1e-3, classify=True)
    for scale in (1.0, -2.5, 0.0):
        for k, p in enumerate(model.parameters()):
            p.data = scale * math.sin(k + 1.0)
        assert step.forward(data.inputs, data.targets) == dynamic.forward(data.inputs, data.targets)
        model.zero_grad()
        dynamic.backward()
        backward_grads = [p.grad for p in model.parameters()]
        assert step.grads == backward_grads


def test_compiled_fit_zeroes_and_steps_through_the_optimizer_in_its_own_loop():
    # The optimizer sees the same calls and the same gradients, compiled or not.
    class Recording(nn.SGD):
        def __init__(self, params, calls):
            super().__init__(params, lr=0.1)
            self.calls = calls

        def zero_grad(self):
            self.calls.append("zero_grad")
            super().zero_grad()

        def step(self):
            self.calls.append([p.grad for p in self.params])
            super().step()

    seen = {}
    for compiled in (False, True):
        calls: list = []
        model = nn.MLP(2, [3, 2], seed=0)
        history = nn.fit(model, nn.blobs(12, classes=2, seed=0), loss="cross_entropy",
                         optimizer=Recording(model.parameters(), calls), epochs=2,
                         batch_size=5, quiet=True, compile=compiled)
        assert calls[::2] == ["zero_grad"] * history.steps
        seen[compiled] = calls
    assert seen[True] == seen[False]
