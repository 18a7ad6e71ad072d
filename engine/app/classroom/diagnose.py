"""Reusable pieces for checks that name the mistake.

- ``close``, ``compare_function``: a student's function against a reference
  on many inputs, failing at the first input that differs, with both values;
- ``number``, ``apart``, ``versus``: numbers in words, two of them with as
  many digits as it takes to see that they differ (``5.0000001, expected 5``);
- ``engine_calls``: which of the engine's own implementations a call used
  (read with ``sys.setprofile``, however the function was imported);
- ``deepest_recursion``: how deep a function called itself during a call,
  and whether it raised the recursion limit;
- ``refuse_engine``: a check that fails, naming the mistake, when it did;
- ``refused_by``: which implementations an exercise's checks refuse, so the
  grader can make them unavailable in the sandbox before the student's
  file is imported.

When the student's functions run in the grader's sandbox
(``engine.app.classroom.remote``), the depth and the implementations
reached are measured there, in the student's process: a student can forge
them, so they only ever fail a check. What makes the rules hold is the
sandbox itself: the refused implementations are not there to call, and the
recursion limit cannot be raised.

Gradients have their own pieces in ``engine.app.classroom.gradient_diagnosis``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from engine.app.classroom.mistakes import ENGINE_CALL, Mistake
from engine.app.classroom.nesting import nesting_profile
from engine.app.classroom.remote import measuring
from engine.app.classroom.results import CheckFailed


def close(got: object, want: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    """Equal to rounding; nan matches nan, inf matches the same inf."""
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return math.isclose(got, want, rel_tol=rel, abs_tol=abs_)


def number(x: object) -> str:
    """A number in six significant digits (``apart`` when two must be told apart)."""
    return f"{x:.6g}" if isinstance(x, float) else repr(x)


def _real(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def digits_apart(got: object, want: object) -> int:
    """The fewest significant digits (6 to 17) that show ``got`` and ``want`` differ
    (nested tuples and lists: the most any pair needs)."""
    if isinstance(got, (tuple, list)) and isinstance(want, (tuple, list)):
        return max((digits_apart(g, w) for g, w in zip(got, want)), default=6)
    if _real(got) and _real(want) and got != want:
        for digits in range(6, 17):
            if f"{got:.{digits}g}" != f"{want:.{digits}g}":
                return digits
        return 17
    return 6


def apart(got: object, want: object) -> tuple[str, str]:
    """Both, digits enough to differ: ``apart(5.000000001, 5.0)`` is ``("5.000000001", "5")``."""
    digits = digits_apart(got, want)
    return show(got, digits), show(want, digits)


def versus(got: object, want: object) -> str:
    """``'0.375, expected 0.75'``, with digits enough to tell the two apart."""
    a, b = apart(got, want)
    return f"{a}, expected {b}"


def compare_function(
    student: Callable[..., Any],
    reference: Callable[..., Any],
    inputs: Iterable[Sequence[Any]],
    name: str,
    *,
    rel: float = 1e-9,
    abs_: float = 1e-12,
    diagnose: Callable[[tuple, Any, Any], tuple[Mistake | None, str]] | None = None,
) -> None:
    """Raise ``CheckFailed`` at the first input where ``student`` and ``reference`` differ.

    Results may be numbers or (nested) tuples and lists of numbers. ``diagnose(args,
    got, want)`` may name the mistake and add a sentence.
    """
    for args in inputs:
        args = tuple(args)
        want = reference(*args)
        got = student(*args)
        if not same_numbers(got, want, rel, abs_):
            shown = ", ".join(number(a) for a in args)
            mistake, extra = diagnose(args, got, want) if diagnose else (None, "")
            detail = f"{name}({shown}) returned {show_apart(got, want)}"
            raise CheckFailed(f"{detail}. {extra}".strip(), mistake)


def same_numbers(got: Any, want: Any, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    if isinstance(want, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(want)
                and all(same_numbers(g, w, rel, abs_) for g, w in zip(got, want)))
    return close(got, want, rel, abs_)


def show_apart(got: Any, want: Any) -> str:
    """``(1, (0.25,)), expected (1, (0.2500001,))``: nested numbers, digits enough to differ."""
    a, b = apart(got, want)
    return f"{a}, expected {b}"


def show(x: Any, digits: int = 6) -> str:
    """A number, or nested tuples and lists of them, in ``digits`` significant digits."""
    if isinstance(x, (tuple, list)):
        inner = ", ".join(show(v, digits) for v in x)
        return f"({inner},)" if isinstance(x, tuple) and len(x) == 1 else (
            f"({inner})" if isinstance(x, tuple) else f"[{inner}]")
    if not isinstance(x, float) or digits >= 17:  # 17: the shortest repr that round-trips
        return repr(x)
    return f"{x:.{digits}g}"


# --- what the student's code called ------------------------------------------------------


def engine_calls(call: Callable[[], Any], forbidden: Mapping[str, object]
                 ) -> tuple[Any, list[str]]:
    """Run ``call()``; return its result and the names in ``forbidden`` it reached.

    Functions are recognised by their code objects, so an alias (``from engine
    import backward as sweep``), a method call (``root.backward()``) or an
    operator (``a * b``) counts the same.
    """
    if _COLLECTING:
        _COLLECTING[-1].update(forbidden)
        raise _Collected
    codes = {getattr(f, "__code__", None): name for name, f in forbidden.items()}
    codes.pop(None, None)
    seen: dict[str, None] = {}

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            name = codes.get(frame.f_code)
            if name is not None:
                seen[name] = None

    with measuring() as measured:
        result = _profiled(call, profile)
    seen.update((name, None) for name in measured.reached if name in forbidden)
    return result, list(seen)


def _profiled(call: Callable[[], Any], profile: Callable[[Any, str, Any], None]) -> Any:
    """``call()`` with ``profile`` seeing every call and return, restored after."""
    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        return call()
    finally:
        sys.setprofile(previous)


def refuse_engine(call: Callable[[], Any], forbidden: Mapping[str, object],
                  what: str) -> Any:
    """``call()``, failing with ENGINE_CALL when it used any of ``forbidden``.

    Another error of the student's code (other checks report those) ends the
    call early, and the calls made until then are judged; a stub's
    NotImplementedError is passed on.
    """
    def attempt() -> Any:
        try:
            return call()
        except NotImplementedError:
            raise
        except Exception:
            return None

    result, used = engine_calls(attempt, forbidden)
    if used:
        raise CheckFailed(
            f"{what} calls {', '.join(used)}: that is the engine's answer, not yours",
            ENGINE_CALL)
    return result


def deepest_recursion(call: Callable[[], Any]) -> tuple[Any, int, bool]:
    """Run ``call()``: (result, deepest self-nesting of one function, limit raised?).

    A loop nests 1 deep; a function calling itself once per node nests as
    deep as the graph.
    """
    deepest = [0]
    profile = nesting_profile(deepest)
    limit = sys.getrecursionlimit()
    try:
        with measuring(recursion=True) as measured:
            result = _profiled(call, profile)
    finally:
        raised = sys.getrecursionlimit() > limit
        sys.setrecursionlimit(limit)
    return result, max(deepest[0], measured.depth), raised or measured.raised_limit


# --- which implementations an exercise refuses ------------------------------------------------

_COLLECTING: list[dict[str, object]] = []


class _Collected(BaseException):
    """Ends a check early once it has said what it refuses."""


def refused_by(checks: Iterable[Callable[[Any], None]], functions: Iterable[str]
               ) -> dict[str, object]:
    """The implementations (by shown name) the ``checks`` pass to ``refuse_engine``.

    Each check runs on a stand-in whose functions raise NotImplementedError,
    and stops where it first asks ``engine_calls``; a check that calls the
    student before that still refuses at call time, reported from the
    sandbox.
    """
    def stub(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    stand_in = SimpleNamespace(**{name: stub for name in functions})
    found: dict[str, object] = {}
    for check in checks:
        _COLLECTING.append(found)
        try:
            check(stand_in)
        except (Exception, _Collected):  # noqa: B902 the stand-in fails every check
            pass
        finally:
            _COLLECTING.pop()
    return found
