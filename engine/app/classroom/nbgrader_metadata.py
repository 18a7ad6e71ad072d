"""nbgrader's cell metadata on a released notebook, as ``nbgrader generate_assignment``
writes it, so nbgrader can grade what students hand back of sweepgrad's release.

nbgrader locks grade cells and read-only cells (not editable, not deletable),
keeps solution cells from being deleted, and records on each of its cells a
checksum of what the cell holds; ``nbgrader autograde`` compares the cells it
gets back with the checksums it stored when it generated the assignment. The
checksum is nbgrader's own recipe (``nbgrader.utils.compute_checksum``): the MD5
of the source, the cell type, whether it is a grade, solution and locked cell,
its grade id and, for a grade cell, its points.
"""

from __future__ import annotations

import hashlib
from typing import Any


def _is_locked(nbgrader: dict[str, Any]) -> bool:
    """nbgrader's rule: a solution cell never is, a grade cell always is."""
    if nbgrader.get("solution", False):
        return False
    return bool(nbgrader.get("grade", False) or nbgrader.get("locked", False))


def checksum(cell_type: str, source: str, nbgrader: dict[str, Any]) -> str:
    """What nbgrader records for a cell with this type, source and nbgrader metadata."""
    digest = hashlib.md5(usedforsecurity=False)
    grade, solution = bool(nbgrader.get("grade", False)), bool(nbgrader.get("solution", False))
    for part in (source, cell_type, str(grade), str(solution), str(_is_locked(nbgrader)),
                 str(nbgrader["grade_id"])):
        digest.update(part.encode("utf-8"))
    if grade:
        digest.update(str(float(nbgrader["points"])).encode("utf-8"))
    return digest.hexdigest()


def released_metadata(cell_type: str, source: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` (of a cell nbgrader knows) as nbgrader leaves it on a released cell."""
    nbgrader = {**metadata["nbgrader"], "cell_type": cell_type}
    released = {**metadata, "nbgrader": nbgrader}
    if nbgrader.get("solution", False) or _is_locked(nbgrader):
        released["deletable"] = False
    if _is_locked(nbgrader):
        released["editable"] = False
    nbgrader["checksum"] = checksum(cell_type, source, nbgrader)
    return released
