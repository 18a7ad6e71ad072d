"""Text for Graphviz: labels are data, never markup.

Every piece of text that reaches a drawing (a user's label, a group name, an
op, a formatted number) goes through ``html_text``, which turns it into the
body of a Graphviz HTML-like label. What Graphviz does to that body decides
what must be escaped (checked against ``dot`` by the drawing tests):

- ``&``, ``<``, ``>``, ``"`` and ``'`` are XML markup: written as entities, so
  a label can neither close the ``<...>`` string nor open a tag;
- ``\\`` starts an escape (``\\N`` is the node's name, ``\\G`` the graph's),
  even inside HTML-like labels and after entities are decoded: doubled;
- a newline becomes ``<BR/>``, a visible line break;
- other control characters, which XML forbids or Graphviz drops silently, are
  shown as visible symbols (``\\t`` as ␉, U+0085 as ``\\x85``), so nothing in
  a label disappears without a trace. ``displayed_text`` gives that mapping,
  the text a reader will see.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NumberFormat = str | Callable[[float], str]

MAX_TEXT = 200  # characters of one piece of text in a drawing, before "…"
# Widths and precisions in a number format beyond this would make labels of
# millions of characters (format(1.5, "100000000") pads to 10⁸).
MAX_FORMAT_DIGITS = 40

_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _visible(char: str) -> str:
    """A character as it will be drawn: control characters made visible."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    # C1 controls, lone surrogates (not encodable as UTF-8) and the two
    # non-characters XML forbids are spelled out as escapes.
    if 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return char


def displayed_text(text: str) -> list[str]:
    """The lines a reader sees for ``text`` (line breaks at ``\\n``, ``\\r\\n``, ``\\r``)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ["".join(_visible(c) if (c < " " or "\x7f" <= c) else c for c in line) for line in lines]


def _escape_line(line: str) -> str:
    out = []
    for char in line:
        escaped = _XML_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char == "\\":
            out.append("\\\\")
        else:
            out.append(char)
    if line.startswith("]"):  # Graphviz's HTML lexer refuses a text that starts with "]"
        out[0] = "&#93;"  # (`label=<]>`, `<B>]</B>`): there it goes as a character reference
    return "".join(out)


def shortened(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (Graphviz rejects labels
    of about 16 kB, and a long label is unreadable in a drawing anyway)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_text(text: str) -> str:
    """``text`` as the body of an HTML-like label, drawn literally (and shortened)."""
    if not isinstance(text, str):
        text = str(text)
    return "<BR/>".join(_escape_line(line) for line in displayed_text(shortened(text)))


def html_label(markup: str) -> str:
    """An HTML-like label for Graphviz: ``<`` markup ``>``.

    ``markup`` must be built from ``html_text`` pieces and fixed tags; the
    ``graphviz`` package passes strings of this shape through unquoted.
    """
    return f"<{markup}>"


def check_number_format(number_format: NumberFormat) -> Callable[[float], str]:
    """A function that formats a float as ``number_format`` asks, or a ValueError."""
    if callable(number_format):
        formatter = number_format
    elif isinstance(number_format, str):
        spec = number_format
        sizes = [int(run) for run in re.findall(r"\d+", spec)]
        if any(size > MAX_FORMAT_DIGITS for size in sizes):
            raise ValueError(
                f"number_format={spec!r} asks for {max(sizes)} characters or digits; "
                f"at most {MAX_FORMAT_DIGITS} are drawn: use a spec such as '.4g' or '.3f'"
            )

        def formatter(x: float) -> str:
            return format(x, spec)
    else:
        raise TypeError(
            f"number_format must be a format spec such as '.4g' or a function "
            f"float -> str, got {type(number_format).__name__}"
        )
    try:
        sample = formatter(-1.5)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"number_format={number_format!r} cannot format a float ({error}); "
            "use a spec such as '.4g', '.3f' or '.2e'"
        ) from None
    if not isinstance(sample, str):
        raise TypeError(
            f"number_format returned {type(sample).__name__}; it must return a str"
        )
    return formatter
