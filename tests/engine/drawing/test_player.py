"""The notebook player's data and HTML (what the browser does with it: tests/notebooks)."""

from __future__ import annotations

import base64
import json
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from engine import Value, sweep_gradients, topological_order
from engine.drawing import play_backward, play_forward
from engine.drawing.player import PAD
from engine.examples import fan_out_diamond, lecture_neuron
from tests.helpers.drawings import needs_dot

pytestmark = needs_dot


def neuron_player(**options):
    nodes = lecture_neuron()
    return nodes, play_backward(nodes["o"], parameters=[nodes["w1"], nodes["w2"], nodes["b"]],
                                **options)


def final_texts(player) -> dict[str, str]:
    """Each changing text after the last step, as the page would show it."""
    texts = {key: text for key, (text, _) in player.start.items()}
    for step in player.steps:
        for key, text, _ in step["set"]:
            texts[key] = text
    return {key: text.replace(PAD, " ").strip() for key, text in texts.items()}


def test_one_step_per_node_in_sweep_order_with_the_engines_gradients():
    nodes, player = neuron_player()
    order = topological_order(nodes["o"])
    assert [step["node"] for step in player.steps] == [
        f"v{order.index(node)}" for node in reversed(order)]
    expected = sweep_gradients(nodes["o"], wrt=order)
    texts = final_texts(player)
    for index, node in enumerate(order):
        assert texts[f"v{index}.grad"] == f"grad {expected[node]:.4g}"
    x1w1 = order.index(next(n for n in order if n.label == "x1*w1"))
    # x1*w1 passes 0.5 to x1 along local derivative w1 = -3: the label says so.
    assert texts[f"v{x1w1}.e0.a"] == "2 × 0.5" or texts[f"v{x1w1}.e0.a"] == "-3 × 0.5"
    assert {texts[f"v{x1w1}.e0.b"], texts[f"v{x1w1}.e1.b"]} == {"= -1.5", "= 1"}


def test_running_sum_fills_in_term_by_term_and_greys_until_final():
    d, a = fan_out_diamond()
    player = play_backward(d)
    key = f"v{topological_order(d).index(a)}"
    seen = [(text.replace(PAD, " ").strip(), style) for step in player.steps
            for k, text, style in step["set"] if k == f"{key}.sum"]
    assert [text for text, _ in seen][-1] == "= 2 + 3 + 3"
    assert all(style == "pending" for _, style in seen[:-1]) and seen[-1][1] == ""
    assert len(seen[0][0]) < len(seen[-2][0])  # terms arrive one by one


def test_every_changing_text_is_padded_to_one_width_and_tagged_in_the_svg():
    _, player = neuron_player()
    widths: dict[str, set[int]] = {}
    for key, (text, _) in player.start.items():
        widths.setdefault(key, set()).add(len(text))
    for step in player.steps:
        for key, text, _ in step["set"]:
            widths[key].add(len(text))
    assert all(len(each) == 1 for each in widths.values())
    svg = ET.fromstring(player.svg)
    tagged = {element.get("data-sg") for element in svg.iter() if element.get("data-sg")}
    assert set(player.start) <= tagged
    for step in player.steps:
        assert step["node"] in tagged and set(step["edges"]) <= tagged


def test_quiz_asks_for_each_gradient_with_its_chain_rule_sum():
    nodes, player = neuron_player(quiz=True)
    assert player.mode == "quiz"
    questions = [step["question"] for step in player.steps]
    assert questions[0]["value"] == 1.0 and "seeds the sweep" in questions[0]["answer"]
    x1 = next(q for q in questions if q["ask"] == "d(output)/d('x1') = ?")
    assert x1["value"] == pytest.approx(-1.5)
    assert x1["answer"].startswith("-1.5 = -3 × 0.5")


def test_forward_mode_reveals_values_in_topological_order():
    nodes = lecture_neuron()
    player = play_forward(nodes["o"])
    order = topological_order(nodes["o"])
    revealed = [[k for k, _, _ in step["set"] if k.endswith(".data")] for step in player.steps]
    assert revealed == [[f"v{i}.data"] for i in range(len(order))]
    assert all(text.startswith("data ?") for key, (text, _) in player.start.items()
               if key.endswith(".data"))
    assert "grad" not in "".join(t.text or "" for t in ET.fromstring(player.svg).iter())


def test_html_is_self_contained_deterministic_and_escapes_labels():
    x = Value(2.0, label="</script><b>x")
    y = (x * x).tanh()
    first, second = play_backward(y).html(), play_backward(y).html()
    assert "<script>" in first and "sweepgradPlayer(" in first
    assert first.count("</script>") == 1  # the label cannot close the script
    outside_script = first[:first.index("<script>")]
    assert "<b>x" not in outside_script
    still = re.search(r'<img class="sgp-still" [^>]*src="data:image/svg\+xml;base64,([^"]+)"',
                      outside_script)
    picture = base64.b64decode(still.group(1)).decode("utf-8")
    assert picture == play_backward(y).svg and "&lt;/script&gt;&lt;b&gt;x" in picture
    assert not re.search(r"https?://(?!www\.w3\.org)", first)  # nothing fetched from outside
    ids = re.findall(r'id="(sweepgrad-[0-9a-f]+)-(\d+)"', first + second)
    assert ids[0][0] == ids[1][0] and ids[0][1] != ids[1][1]  # same graph, two players
    payload = re.search(r"sweepgradPlayer\(document.currentScript, \"[^\"]+\", (.*)\);\n",
                        first).group(1)
    assert json.loads(payload.replace("<\\/", "</"))["mode"] == "backward"


def test_big_graphs_and_bad_arguments_are_refused():
    z = Value(0.5)
    for _ in range(40):
        z = z * 1.0
    with pytest.raises(ValueError, match="81 nodes, so the player would have 81 steps"):
        play_backward(z)
    with pytest.raises(TypeError, match="quiz must be True or False"):
        play_backward(z, quiz="yes")
    with pytest.raises(TypeError, match="needs a Value"):
        play_forward(3.0)


def test_the_bundle_carries_a_png_of_the_finished_picture_for_untrusting_front_ends():
    _, player = neuron_player()
    bundle = player._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert 300 < struct.unpack(">I", png[16:20])[0] <= 1000  # fits the column
    assert bundle["text/plain"] == "<sweepgrad backward player: 10 steps>"


def test_captions_and_questions_name_nodes_as_the_picture_shows_them():
    """A label, else the op and its value (engine.naming), never an internal number."""
    x, w = Value(0.5), Value(2.0, label="w")
    y = (x * w).tanh()
    for player in (play_backward(y, quiz=True), play_forward(y)):
        words = json.dumps([step["caption"] for step in player.steps]
                           + [step.get("question", "") for step in player.steps],
                           ensure_ascii=False)
        assert "#" not in words
        for name in ("'w'", "* = 1", "tanh = 0.7616"):
            assert name in words, (player.mode, name)
    asked = [step["question"]["ask"] for step in play_backward(y, quiz=True).steps]
    assert asked == ["d(output)/d(tanh = 0.7616) = ?", "d(output)/d(* = 1) = ?",
                     "d(output)/d(0.5) = ?", "d(output)/d('w') = ?"]
