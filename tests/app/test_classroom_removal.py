"""Removing the engine's implementations from a sandbox (engine.app.classroom.removal).

Each chapter's removals are made in a fresh Python, as the runner makes them,
and then everything they name is imported the ways a student's file would:
every implementation must refuse, whether its module was loaded before the
removal or only afterwards (``nn``, lazily loaded parts of ``engine``), and
a module nothing imports is not loaded for the removal's sake.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.app.classroom import checks  # noqa: F401 (registers the course's exercises)
from engine.app.classroom.registry import in_order
from engine.app.classroom.worker import removed_for

CHAPTERS: dict[str, list] = {}
for _exercise in in_order():
    CHAPTERS.setdefault(_exercise.chapter, []).append(_exercise)

# Run in a fresh Python: removals and then imports, as in a sandbox; prints what it saw.
PROBE = r'''
import importlib, json, sys
from engine.app.classroom.removal import Refusals, Unavailable, make_unavailable
references = json.loads(sys.argv[1])
refusals = Refusals()
make_unavailable(references, refusals)
loaded_for_it = sorted(m for m in ("nn", "nn.matrix_form", "engine.methods.gradcheck")
                       if m in sys.modules)
import nn, engine
refusing = {}
for shown, reference in references:
    module, qualname = reference.split(":")
    found = [importlib.import_module(module)]
    for part in qualname.split("."):
        found.append(getattr(found[-1], part))
    top = sys.modules[module.split(".")[0]]
    name = qualname.split(".")[0]
    if hasattr(top, name) and "." not in qualname:  # engine.backward, nn.fit: the package's
        found.append(getattr(top, name))
    said = []
    for function in found[1:] if "." not in qualname else found[-1:]:
        try:
            function()
        except Unavailable as error:
            said.append(str(error))
        except Exception as error:
            said.append(f"ran: {type(error).__name__}")
    refusing[reference] = said
print(json.dumps({"loaded_for_it": loaded_for_it, "refusing": refusing,
                  "touched": sorted(refusals.touched)}))
'''


def probe(references: list) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(references)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_removed_implementation_refuses_however_it_is_reached(chapter: str):
    references = removed_for(CHAPTERS[chapter])
    seen = probe(references)
    for reference, said in seen["refusing"].items():
        assert said and all("is not available in this exercise" in s for s in said), \
            (reference, said)
    assert seen["touched"] == sorted(r for _, r in references)


def test_a_module_nothing_imports_is_not_loaded_for_its_removal():
    references = removed_for(CHAPTERS["neuron"] + CHAPTERS["matrix_form"] + CHAPTERS["cost"])
    assert {r.split(":")[0] for _, r in references} >= {"nn.layers", "nn.matrix_form",
                                                        "engine.methods.gradcheck"}
    assert probe(references)["loaded_for_it"] == []
