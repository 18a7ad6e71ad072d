"""JupyterLite for the course site, built from PyPI and npm alone, offline in the browser.

What goes into ``<out>/lite/``:

- JupyterLite itself (``jupyterlite-core`` and ``jupyterlite-pyodide-kernel``,
  the ``site`` extra of pyproject.toml);
- Pyodide's core (npm's ``pyodide``, the version the kernel pins) under
  ``static/pyodide/``, with its lock file cut down to the wheels shipped
  beside it: the pure-Python wheels the kernel loads at start (micropip,
  IPython and what they need), downloaded from PyPI at the versions
  Pyodide's lock names and entered with their own hashes. Pyodide's lock
  tool would fetch them from Pyodide's servers; this needs PyPI only.
  numpy, matplotlib and Pillow for Pyodide exist only on Pyodide's own
  servers: their entries stay in the lock with those absolute addresses, so
  a deployed site loads them when a notebook asks, and nothing else does;
- viz-js (npm's ``@viz-js/viz``, Graphviz as WebAssembly) beside Pyodide,
  where ``engine.drawing.browser_graphviz`` looks for it;
- sweepgrad's own wheel and the pure wheels it needs there (docs/site/
  package.json, ``pythonWheels``) in the site's package index, so
  ``%pip install sweepgrad`` finds it by name, with PyPI switched off;
- the notebooks, and the released exercises (no solutions).

Downloads are kept in the cache folder (``~/.cache/sweepgrad-site``, or
``$SWEEPGRAD_SITE_CACHE``) and reused while their versions do not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
PACKAGE_JSON = HERE / "package.json"
PACKAGE_LOCK = HERE / "package-lock.json"

# What the kernel installs at start, by name in Pyodide's lock (with what they need).
KERNEL_PACKAGES = ("micropip", "ipython", "jedi")
# Only on Pyodide's servers: kept in the lock with absolute addresses, loaded on demand.
FROM_PYODIDE_SERVERS = ("numpy", "matplotlib", "pillow")
# The pyodide files the browser needs (the rest of the npm package is for Node.js).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide.js")
VIZ_SCRIPT = "viz-global.js"


def cache_dir() -> Path:
    folder = Path(os.environ.get("SWEEPGRAD_SITE_CACHE",
                                 Path.home() / ".cache" / "sweepgrad-site"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run(command: list[str], **options) -> None:
    """Run a build step; on failure stop with its command and output."""
    done = subprocess.run(command, capture_output=True, text=True, **options)
    if done.returncode != 0:
        raise SystemExit(f"site build: {' '.join(map(str, command))} failed "
                         f"({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def npm_packages() -> Path:
    """node_modules for docs/site/package-lock.json, installed once into the cache."""
    if shutil.which("npm") is None:
        raise SystemExit("site build: npm is missing (Debian: apt-get install npm)")
    project = cache_dir() / "npm"
    stamp = project / "installed-lock.sha256"
    digest = hashlib.sha256(PACKAGE_LOCK.read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text() == digest):
        project.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGE_JSON, project / "package.json")
        shutil.copy(PACKAGE_LOCK, project / "package-lock.json")
        run(["npm", "ci", "--no-audit", "--no-fund", "--cache", str(cache_dir() / "npm-cache")],
            cwd=project)
        stamp.write_text(digest)
    return project / "node_modules"


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(lock: dict, names: tuple[str, ...]) -> list[str]:
    """The lock's keys for ``names`` and everything they depend on."""
    packages = lock["packages"]
    keys = {normal(key): key for key in packages}
    found: list[str] = []
    waiting = list(names)
    while waiting:
        key = keys[normal(waiting.pop())]
        if key not in found:
            found.append(key)
            waiting.extend(packages[key]["depends"])
    return found


def pypi_wheel(name: str, version: str, file_name: str | None = None) -> Path:
    """The wheel ``name==version`` from PyPI, downloaded once into the cache."""
    folder = cache_dir() / "wheels"
    folder.mkdir(exist_ok=True)
    if file_name and (folder / file_name).exists():
        return folder / file_name
    stem = normal(name).replace("-", "_")
    for existing in folder.glob("*.whl"):
        if normal(existing.name.split("-")[0]) == normal(name) and \
                existing.name.split("-")[1] == version:
            return existing
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.14", "--implementation", "py", "--platform", "any",
         "--dest", str(folder), f"{name}=={version}"])
    for existing in folder.glob("*.whl"):
        if normal(existing.name.split("-")[0]) in (normal(name), normal(stem)) and \
                existing.name.split("-")[1] == version:
            return existing
    raise SystemExit(f"site build: pip downloaded no wheel for {name}=={version}")


def pyodide_folder(node_modules: Path, into: Path) -> None:
    """Pyodide's core, the kernel's wheels from PyPI and their lock, and viz-js, in ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    source = node_modules / "pyodide"
    for name in PYODIDE_FILES:
        shutil.copy(source / name, into / name)
    shutil.copy(node_modules / "@viz-js" / "viz" / "dist" / VIZ_SCRIPT, into / VIZ_SCRIPT)
    lock = json.loads((source / "pyodide-lock.json").read_text())
    version = json.loads((source / "package.json").read_text())["version"]
    servers = f"https://cdn.jsdelivr.net/pyodide/v{version}/full/"
    kept = {}
    for key in closure(lock, KERNEL_PACKAGES):
        entry = dict(lock["packages"][key])
        wheel = pypi_wheel(entry["name"], entry["version"], entry["file_name"])
        shutil.copy(wheel, into / wheel.name)
        entry["file_name"] = wheel.name
        entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
        kept[key] = entry
    for key in closure(lock, FROM_PYODIDE_SERVERS):
        if key not in kept:
            entry = dict(lock["packages"][key])
            entry["file_name"] = servers + entry["file_name"]
            kept[key] = entry
    lock["packages"] = kept
    (into / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


def browser_wheels(into: Path) -> list[Path]:
    """sweepgrad's wheel, built from this checkout, and the pinned wheels it needs there."""
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", scratch,
             str(REPOSITORY)])
        for wheel in Path(scratch).glob("sweepgrad-*.whl"):
            shutil.copy(wheel, into / wheel.name)
    pins = json.loads(PACKAGE_JSON.read_text())["pythonWheels"]
    for name, version in sorted(pins.items()):
        shutil.copy(pypi_wheel(name, version), into)
    return sorted(into.glob("*.whl"))


def contents(notebooks: list[Path], chapters: list[str] | None, into: Path) -> None:
    """The notebooks, and the released exercises (all, or the ``chapters`` given)."""
    into.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        shutil.copy(notebook, into / notebook.name)
    released = into / "exercises"
    run([sys.executable, "-m", "engine.app.cli", "exercises", "release", str(released)],
        cwd=REPOSITORY)
    if chapters is not None:
        for path in released.iterdir():
            if path.suffix == ".ipynb" and path.stem not in chapters:
                path.unlink()


def settings() -> dict:
    """jupyter-lite.json: the Pyodide kernel with PyPI switched off."""
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "sweepgrad",
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "disablePyPIFallback": True,
                },
            },
        },
    }


def build_lite(out: Path, notebooks: list[Path], chapters: list[str] | None = None) -> Path:
    """Build JupyterLite into ``out`` (e.g. ``site/lite``); return it."""
    node_modules = npm_packages()
    with tempfile.TemporaryDirectory() as scratch:
        lite_dir = Path(scratch) / "lite"
        pyodide_folder(node_modules, lite_dir / "static" / "pyodide")
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(settings(), indent=2))
        wheels = browser_wheels(Path(scratch) / "wheels")
        contents(notebooks, chapters, Path(scratch) / "contents")
        if out.exists():
            shutil.rmtree(out)
        # Only the Pyodide kernel's extension, not every Jupyter extension of this Python
        # (nbgrader's, for one, would ask a server that is not there).
        extension = Path("@jupyterlite") / "pyodide-kernel-extension"
        extensions = Path(scratch) / "extensions"
        shutil.copytree(Path(sys.prefix) / "share" / "jupyter" / "labextensions" / extension,
                        extensions / extension)
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps({
            "LiteBuildConfig": {"ignore_sys_prefix": ["federated_extensions"]},
            "FederatedExtensionAddon": {"extra_labextensions_path": [str(extensions)]},
        }))
        command = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
                   "--contents", str(Path(scratch) / "contents"), "--output-dir", str(out),
                   "--no-sourcemaps"]
        for wheel in wheels:
            command += ["--piplite-wheels", str(wheel)]
        run(command, cwd=scratch)
    return out
