"""The course site, built once per test run (``docs/site/build.py``) for the tests here.

The build downloads from PyPI and npm the first time only: its cache
(``~/.cache/sweepgrad-site``) is kept between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
BUILD = REPOSITORY / "docs" / "site" / "build.py"


def missing_tools() -> str | None:
    for module in ("mkdocs", "jupyterlite_core", "jupyterlite_pyodide_kernel"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is missing: pip install -e '.[site]'"
    if shutil.which("npm") is None:
        return "npm is missing (make test installs it)"
    return None


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site (documentation and JupyterLite), with the app reachable by tests.

    ``SWEEPGRAD_SITE_DIR`` names a site already built with ``--expose-app`` to test
    instead (for working on these tests; CI always builds).
    """
    if os.environ.get("SWEEPGRAD_SITE_DIR") and not os.environ.get("CI"):
        return Path(os.environ["SWEEPGRAD_SITE_DIR"])
    why = missing_tools()
    if why:
        if os.environ.get("CI"):
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    out = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run([sys.executable, str(BUILD), "--out", str(out), "--expose-app"],
                          capture_output=True, text=True, cwd=REPOSITORY, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MB in" in done.stdout
    return out
