"""Writing files so that a fault never leaves half of one, and reading untrusted ones.

``write_atomically(path, data)`` writes to a temporary file in the same
folder, flushes and fsyncs it, then renames it over ``path`` with
``os.replace``, which is atomic on POSIX and Windows. A full disk, a killed
process or a Ctrl-C leaves either the old file or the new one, never an
empty or truncated file; the temporary file is removed on an error. The
file gets the permissions any tool's output gets (0666 less the umask,
usually 0644), not the 0600 of a temporary file.

``read_regular_file(path, max_bytes)`` reads a file someone else may have
named: anything that is not a regular file (a FIFO, which would block for
ever; ``/dev/zero``, which never ends; a folder) is refused, links to them
included, and never more than ``max_bytes`` are read, whatever the size the
file claims (``/proc`` files claim 0).
"""

from __future__ import annotations

import os
import stat
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
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o666 & ~_umask())
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


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


class NotARegularFile(ValueError):
    """A path that names a FIFO, a device, a folder or a socket, where a file was expected."""


class FileTooLarge(ValueError):
    """A file with more bytes than the reader allows."""


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Opened without blocking (a FIFO with no writer would otherwise wait for
    ever), then checked on the open descriptor, so the path cannot be
    swapped between the check and the read. ``NotARegularFile`` says what it
    is instead, ``FileTooLarge`` that it is larger (both ``ValueError``s).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(
                f"{os.fspath(path)} is {_kind(status.st_mode)}, not a regular file: give the "
                "path of a file"
            )
        if status.st_size > max_bytes:  # refused by its size, before a byte is read
            raise FileTooLarge(
                f"{os.fspath(path)} has {status.st_size} bytes, more than max_bytes={max_bytes}"
            )
        chunks, total = [], 0
        while True:  # a file may hold more than it claims (/proc's claim 0): read no more
            chunk = os.read(descriptor, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise FileTooLarge(
                    f"{os.fspath(path)} has more than max_bytes={max_bytes} bytes"
                )
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
