"""Messages between the judge and the sandboxed runner: one JSON object a line.

``send`` writes one; a ``Reader`` reads them back, each line bounded in
size and every wait bounded by a deadline the reader keeps (a student
cannot move it by talking). Anything that is not a JSON object of at most
``MAX_LINE`` bytes is ``Malformed``: the judge charges it to the student who
sent it.
"""

from __future__ import annotations

import json
import select
import time
from typing import Any


class Malformed(ValueError):
    """A message that does not follow the schema (or goes past its limits)."""


MAX_LINE = 64 * 1024 * 1024  # bytes in one message; a 20,000-link chain takes about 4 MB


def send(sock: Any, message: dict[str, Any]) -> None:
    """Write ``message`` as one line on a connected socket (or a binary file)."""
    data = json.dumps(message, separators=(",", ":")).encode() + b"\n"
    if hasattr(sock, "sendall"):
        sock.sendall(data)
    else:
        sock.write(data)
        sock.flush()


class Reader:
    """JSON lines from a socket, each at most ``MAX_LINE`` bytes, within deadlines."""

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.searched = 0  # bytes at the buffer's start known to hold no newline
        self.ended = False

    def next(self, deadline: float | None = None) -> dict[str, Any] | None:
        """The next message; None at the end of the stream.

        Raises ``TimeoutError`` past ``deadline`` (``time.monotonic()``) and
        ``Malformed`` for a line too long, not JSON, or not an object.
        """
        while True:
            # Only the bytes not searched yet: a 64 MB message arrives in 1 MB chunks, and
            # searching it whole after each would read it 64 times over.
            end = self.buffer.find(b"\n", self.searched)
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 1]
                self.searched = 0
                try:
                    message = json.loads(line)
                except (ValueError, RecursionError):
                    raise Malformed("a message that is not JSON") from None
                if not isinstance(message, dict):
                    raise Malformed("a message that is not a JSON object")
                return message
            self.searched = len(self.buffer)
            if len(self.buffer) > MAX_LINE:
                raise Malformed(f"a message longer than {MAX_LINE // (1024 * 1024)} MB")
            if self.ended:
                return None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                    raise TimeoutError("no answer in time")
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                self.ended = True
                continue
            self.buffer += chunk
