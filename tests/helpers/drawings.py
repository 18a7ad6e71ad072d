"""Reading drawings back: the nodes and edges of an SVG, and a skip without Graphviz."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from engine import Value, examples

SVG = "{http://www.w3.org/2000/svg}"


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def svg_of(drawing) -> ET.Element:
    return ET.fromstring(drawing.pipe(format="svg", engine="dot"))


def svg_nodes(root: ET.Element) -> dict[str, list[str]]:
    """``{node name: [its text pieces]}``, spaces as typed (Graphviz writes nbsp)."""
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            name = group.find(f"{SVG}title").text
            nodes[name] = [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]
    return nodes


def svg_edges(root: ET.Element) -> list[tuple[str, str, list[str]]]:
    """``[(tail, head, [label pieces])]`` in the SVG's order."""
    edges = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "edge":
            tail, head = group.find(f"{SVG}title").text.split("->")
            edges.append((tail, head, [t.text for t in group.iter(f"{SVG}text")]))
    return edges


def values_and_ops(nodes: dict) -> tuple[dict, dict]:
    values = {k: v for k, v in nodes.items() if re.fullmatch(r"v\d+", k)}
    ops = {k: v for k, v in nodes.items() if re.fullmatch(r"op\d+", k)}
    return values, ops


def by_label(values: dict) -> dict[str, list[str]]:
    """Value nodes keyed by their label cell (the first text that is not a step)."""
    out = {}
    for texts in values.values():
        rest = [t for t in texts if not t.startswith("step ")]
        out[rest[0]] = texts
    return out


def lecture_neuron_with_nodes() -> tuple[Value, dict[str, Value]]:
    """The lecture's neuron (``engine.examples``): its output and every node by label."""
    nodes = examples.lecture_neuron()
    return nodes["o"], nodes
