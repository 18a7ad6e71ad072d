"""Reading pictures back: how much of an image is one colour."""

from __future__ import annotations


def rgb(hex_color):
    """``"#1f77b4"`` as ``(31, 119, 180)``."""
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def share_of(image, hex_color, tolerance=6):
    """The fraction of the pixels of ``image`` (PIL) within ``tolerance`` of the colour."""
    target = rgb(hex_color)
    raw = image.convert("RGB").tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    close = sum(all(abs(a - b) <= tolerance for a, b in zip(p, target, strict=True))
                for p in pixels)
    return close / len(pixels)
