"""node_name and node_names: one way to name a node, never two nodes alike."""

from engine import Value, explain, topological_order
from engine.naming import node_name, node_names
from tests.helpers.drawings import needs_dot


def test_a_label_is_the_name():
    assert node_name(Value(2.0, label="w1")) == "'w1'"


def test_an_unlabelled_op_is_named_by_op_and_value():
    x = Value(1.0)
    assert node_name(x.tanh()) == "tanh = 0.7616"
    assert node_name(x) == "1"


def test_repeated_names_get_their_place_in_the_order():
    a = Value(0.5, label="0.5")
    b = Value(0.5, label="0.5")
    root = a * b
    root.label = "L"
    names = node_names(topological_order(root))
    assert names[root] == "'L'"
    assert names[a] != names[b]
    assert names[a].startswith("'0.5' (node ") and names[a].endswith(" of 3)")


def test_names_that_differ_stay_plain():
    a = Value(1.0, label="a")
    root = a + 2.0
    names = node_names(topological_order(root))
    assert set(names.values()) == {"'a'", "2", "+ = 3"}


def test_a_node_whose_data_is_not_a_number_is_still_named():
    x = Value(1.0)
    y = x.tanh()
    y.data = "oops"  # type: ignore[assignment]
    assert node_name(y) == "tanh = a str"


@needs_dot
def test_explain_the_player_and_a_check_tell_two_nodes_of_one_label_apart_alike():
    """Two leaves labelled 'w': every text that names them gives each the same name."""
    from engine.app.classroom.gradient_diagnosis import gradient_failure
    from engine.drawing import play_backward

    first, second = Value(2.0, label="w"), Value(3.0, label="w")
    root = first * second
    root.label = "L"
    root.backward()
    names = node_names(topological_order(root))
    one, two = names[first], names[second]
    assert one != two and {one, two} == {"'w' (node 1 of 3)", "'w' (node 2 of 3)"}

    explained = str(explain(first, root))
    assert f"∂'L'/∂{one} = 3·1 = 3" in explained
    assert f"'L' = {one} * {two}" in explained

    captions = [line for step in play_backward(root).steps for line in step["caption"]]
    assert any(f"the sweep visits {two};" in line for line in captions)
    assert any(line.startswith(f"→ {one}: 3 × 1 = 3") for line in captions)

    feedback = gradient_failure(root, {root: 1.0, first: 3.0, second: 0.0})
    assert feedback is not None
    assert f"{two}: 0 (expected 2)" in str(feedback)
    assert f"{one}:" not in str(feedback)  # its gradient is right
