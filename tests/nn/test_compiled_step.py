"""fit's compiled step: the same history as building the graph every step, loss for
loss; one compiled function per batch size; the dynamic step wherever the graph's
shape could depend on values."""

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


def test_one_compiled_function_per_batch_size():
    model = nn.MLP(2, [4, 1], seed=0)
    step = training_step(model, nn.hinge, 0.0, classify=True)
    assert isinstance(step, CompiledStep)
    data = nn.moons(25, seed=0)
    for _ in range(2):
        for inputs, targets in nn.Minibatches(data, 10, seed=0):
            step.forward(inputs, targets)
    assert sorted(key for key in step.compiled) == [(-1,) * 5, (-1,) * 10]


@pytest.mark.parametrize("loss", ["logistic", "cross_entropy", lambda o, y: nn.hinge(o, y)])
def test_losses_that_read_values_or_are_unknown_use_the_dynamic_step(loss):
    model = nn.MLP(2, [4, 2 if loss == "cross_entropy" else 1], seed=0)
    assert isinstance(training_step(model, nn.losses.get_loss(loss), 0.0, True), DynamicStep)


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

    class Keep(nn.Optimizer):
        def zero_grad(self):  # leaves the 7.0s, so a restore is visible
            pass

        def step(self):
            raise AssertionError("no step after a failed update")

    with pytest.raises(TypeError):
        step.update(Keep(model.parameters(), lr=0.1))
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
        dynamic.update(nn.SGD(model.parameters(), lr=1e-9))  # leaves .grad as backward() does
        backward_grads = [p.grad for p in model.parameters()]
        assert step.grads == backward_grads
