"""``names`` and ``Characters``: a small text corpus for a character-level model.

``names()`` gives 5,163 first names (the US Census Bureau's 1990 lists, in
the public domain; ``nn/data_files/README.md`` says where the copy comes
from). ``Characters`` turns a name into token ids and back: one id per
letter, and one more, ``bos``, that marks both the beginning and the end of
a name, as the 2026 lecture's character model does: the model reads
[bos, e, m, m, a] and learns to predict [e, m, m, a, bos].
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

NAMES_FILE = Path(__file__).resolve().parent / "data_files" / "names.txt"


def names() -> list[str]:
    """The first names, lower case, most frequent first."""
    return list(_read())


@cache
def _read() -> tuple[str, ...]:
    words = tuple(NAMES_FILE.read_text(encoding="ascii").split())
    if not words or not all(w.isalpha() and w.islower() for w in words):
        raise ValueError(f"{NAMES_FILE} is not a list of lower-case names: reinstall sweepgrad")
    return words


class Characters:
    """Token ids for the characters of a corpus, plus ``bos`` around each word."""

    def __init__(self, words: Sequence[str]) -> None:
        self.chars = sorted(set("".join(words)))
        if not self.chars:
            raise ValueError("Characters needs at least one non-empty word")
        self.bos = len(self.chars)
        self._ids = {c: k for k, c in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """How many token ids there are: the characters and ``bos``."""
        return len(self.chars) + 1

    def encode(self, word: str) -> list[int]:
        """[bos, ids of the word's characters, bos]."""
        unknown = sorted(set(word) - set(self._ids))
        if unknown:
            raise ValueError(f"{word!r} has characters the vocabulary lacks: {unknown}")
        return [self.bos, *(self._ids[c] for c in word), self.bos]

    def decode(self, tokens: Sequence[int]) -> str:
        """The characters of ``tokens``, ``bos`` left out."""
        return "".join(self.chars[t] for t in tokens if t != self.bos)
