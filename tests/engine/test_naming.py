"""node_name and node_names: one way to name a node, never two nodes alike."""

from engine import Value, topological_order
from engine.naming import node_name, node_names


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
