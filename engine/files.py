"""Writing files so that a fault never leaves half of one.

``write_atomically(path, data)`` writes to a temporary file in the same
folder, flushes and fsyncs it, then renames it over ``path`` with
``os.replace``, which is atomic on POSIX and Windows. A full disk, a killed
process or a Ctrl-C leaves either the old file or the new one, never an
empty or truncated file; the temporary file is removed on an error.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step; return the path."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return target
