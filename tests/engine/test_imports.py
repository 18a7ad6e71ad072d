"""What ``import engine`` and ``import nn`` load: the light core, not drawing or plotting.

Import time itself is a figure for ``python -X importtime -c "import engine"``
(machines here are shared and noisy); what is tested is that the heavy parts
stay out until they are used.
"""

import subprocess
import sys


def loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return result.stdout.split()


HEAVY = ("graphviz", "engine.drawing", "numpy", "matplotlib", "PIL", "dataclasses",
         "engine.app", "nn")


def test_import_engine_loads_no_drawing_numpy_or_app():
    assert loaded_after("import engine", HEAVY) == []


def test_drawing_loads_on_first_use():
    statement = "import engine; engine.draw(engine.Value(1.0))"
    assert loaded_after(statement, ("graphviz", "engine.drawing")) == ["graphviz", "engine.drawing"]


def test_import_nn_loads_neither_plots_nor_numpy():
    loaded = loaded_after("import nn", ("matplotlib", "numpy", "nn.plots", "nn.matrix_form",
                                        "engine.app", "graphviz"))
    assert loaded == []


def test_nn_plots_and_matrix_form_are_reachable_after_import_nn():
    statement = "import nn; nn.plots.plot_loss_curve; nn.matrix_form.MatrixNetwork"
    assert loaded_after(statement, ("nn.plots", "nn.matrix_form")) == ["nn.plots", "nn.matrix_form"]


LATER = ("engine.higher.gradient_graph", "engine.higher.local_derivatives",
         "engine.higher.hessians", "engine.forward", "engine.methods.jacobians",
         "engine.explanation")
METHODS = ("engine.methods.naive", "engine.methods.paths", "engine.methods.finite_differences",
           "engine.methods.gradcheck")


def test_the_methods_the_sweep_is_measured_against_load_on_first_use():
    assert loaded_after("import engine; engine.Value(1.0).backward()", METHODS) == []
    assert loaded_after("from engine import naive_gradients, gradcheck", METHODS) == [
        "engine.methods.naive", "engine.methods.finite_differences",  # gradcheck's oracle
        "engine.methods.gradcheck"]


def test_higher_derivatives_forward_mode_and_explanations_load_on_first_use():
    assert loaded_after("import engine; engine.Value(1.0).backward()", LATER) == []
    assert loaded_after("import engine; engine.hessian", LATER) == [
        "engine.higher.gradient_graph", "engine.higher.local_derivatives",
        "engine.higher.hessians", "engine.forward"]


def test_a_lazy_name_stays_the_function_after_its_module_loads():
    code = ("import engine, engine.higher.gradient_graph, engine.explanation, "
            "engine.methods.jacobians; "
            "print(engine.grad.__name__, engine.explain.__name__, engine.jacobian.__name__, "
            "type(engine.grad).__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["grad", "explain", "jacobian", "function"]


def test_the_compiler_loads_on_first_use():
    compiler = ("engine.compiler", "engine.compiler.codegen", "engine.compiler.tape")
    assert loaded_after("import engine; engine.Value(1.0).backward()", compiler) == []
    statement = "import engine; x = engine.Value(1.0); engine.compile(x * x, [x])"
    assert loaded_after(statement, compiler) == list(compiler)
    code = "import engine; print(type(engine.compile).__name__, engine.compile.__module__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["function", "engine.compiler.compiled"]


def test_import_engine_is_timed_and_loads_no_compiler(record_property):
    """``python -X importtime -c "import engine"`` in a fresh process: what it lists holds
    no module of the compiler, and the time (best of three) is reported, not asserted,
    since it depends on the machine and its load (docs/layout.md has a figure)."""
    best = None
    for _ in range(3):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import engine"],
                                capture_output=True, text=True, check=True)
        rows = [line.split("|") for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line]
        names = [row[2].strip() for row in rows]
        assert "engine" in names and "engine.value" in names
        assert not [name for name in names if name.startswith("engine.compiler")]
        total = int(rows[names.index("engine")][1])  # cumulative microseconds
        best = total if best is None else min(best, total)
    record_property("import_engine_ms", best / 1000)
    print(f"import engine: {best / 1000:.1f} ms (best of 3)")
