"""Freeing a graph never recurses: a 10⁶-link chain dropped in a thread with a small stack.

Each test runs twice: as this interpreter frees graphs (``Node.__del__`` is
installed only where ``engine.freeing.NEEDED`` says so), and with the
browser's iterative release installed, so its loop is exercised natively.
"""

import gc
import threading

import pytest

from engine import Value, backward
from engine import freeing as freeing_module
from engine.node import LEAF, Node, new_node

SMALL_STACK = 256 * 1024
LINKS = 10**6


@pytest.fixture(params=["as installed here", "iterative release"])
def freeing(request):
    """Which way nodes are freed for the test; the class is restored afterwards."""
    installed_here = "__del__" in Node.__dict__
    if request.param == "iterative release" and not installed_here:
        Node.__del__ = freeing_module.make_release_parents(LEAF)
        yield request.param
        del Node.__del__
    else:
        yield request.param
    assert freeing_module._waiting == [], "parents left waiting after a graph was freed"


def nodes_alive() -> int:
    return sum(type(o) is Node or type(o) is Value for o in gc.get_objects())


def in_small_stack_thread(work) -> list:
    """Run ``work`` in a thread whose stack is 256 KiB; what it returned, or its error."""
    outcome: list = []

    def run():
        try:
            outcome.append(work())
        except BaseException as error:  # handed back to the test
            outcome.append(error)

    previous = threading.stack_size(SMALL_STACK)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    return outcome


@pytest.mark.slow
def test_a_million_link_chain_is_freed_in_a_thread_with_a_small_stack(freeing):
    before = nodes_alive()

    def build_and_drop():
        x = Node(0.5)
        for _ in range(LINKS):
            x = new_node(Node, x.data + 1.0, "+", x, 1.0)
        top = x.data
        del x
        return top

    outcome = in_small_stack_thread(build_and_drop)
    assert outcome == [0.5 + LINKS]  # the thread finished; the process is alive
    assert nodes_alive() == before


def test_a_swept_chain_of_values_is_freed(freeing):
    before = nodes_alive()

    def build_sweep_drop():
        x = w = Value(0.5)
        for _ in range(20_000):
            x = x * w + 0.1
        backward(x)
        grad = w.grad
        del x, w
        return grad

    (grad,) = in_small_stack_thread(build_sweep_drop)
    assert isinstance(grad, float) and grad > 0
    assert nodes_alive() == before


def test_nodes_still_held_keep_their_parents(freeing):
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    kept = x * y  # held by the test while the graph above it is dropped
    top = kept + x
    for _ in range(1000):
        top = top * 1.0
    del top
    gc.collect()
    assert kept.parents == (x, y) and kept.local_grads == (3.0, 2.0)
    backward(kept)
    assert (x.grad, y.grad) == (3.0, 2.0)


def test_a_diamond_and_a_node_used_twice_are_freed(freeing):
    before = nodes_alive()
    x = Value(1.5)
    square = x * x
    diamond = (square + 1.0) * (square - 1.0)
    backward(diamond)
    assert x.grad == pytest.approx(4 * 1.5**3)
    del x, square, diamond
    assert nodes_alive() == before


def test_a_node_built_by_hand_with_three_parents_is_freed(freeing):
    before = nodes_alive()
    parents = (Value(1.0), Value(2.0), Value(3.0))
    top = Value(6.0, parents, (1.0, 1.0, 1.0), "sum3")
    for _ in range(10_000):
        top = Value(top.data, (top, parents[0], parents[1]), (1.0, 0.0, 0.0), "sum3")
    del top, parents
    assert nodes_alive() == before
