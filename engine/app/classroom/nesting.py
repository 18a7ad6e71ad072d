"""How deep one function nests inside itself during a call, read by a profile hook.

A loop nests 1 deep; a function that calls itself once per node of a graph
nests as deep as the graph. The judge (``diagnose``) and the sandboxed
runner (``runner``) both measure it this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Profile = Callable[[Any, str, Any], None]


def nesting_profile(deepest: list[int]) -> Profile:
    """A ``sys.setprofile`` hook that keeps ``deepest[0]`` at the deepest self-nesting seen."""
    depth: dict[Any, int] = {}

    def profile(frame: Any, event: str, arg: Any) -> None:
        code = frame.f_code
        if event == "call":
            depth[code] = level = depth.get(code, 0) + 1
            if level > deepest[0]:
                deepest[0] = level
        elif event == "return":
            depth[code] = depth.get(code, 1) - 1

    return profile
