"""Build the course site: ``python docs/site/build.py [--out site]`` (``make site`` runs it).

The documentation with the API reference and every notebook as a page
(``pages.py``, MkDocs), and JupyterLite under ``lite/`` with the notebooks
and the released exercises (``lite.py``). Needs the ``site`` extra of
pyproject.toml, npm, and PyPI and npm to download from (once: downloads are
cached in ``~/.cache/sweepgrad-site``). Prints the site's size at the end.

``--notebooks 01 02`` and ``--chapters graph`` build a smaller site (the
browser test does); ``--lite-only`` leaves the documentation out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import lite
import pages

TARGET_MB = 60


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def chosen_notebooks(prefixes: list[str] | None) -> list[Path]:
    everything = sorted((lite.REPOSITORY / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if prefixes is None:
        return everything
    chosen = [p for p in everything if p.name.split("_")[0] in prefixes]
    if len(chosen) != len(prefixes):
        known = ", ".join(p.name.split("_")[0] for p in everything)
        raise SystemExit(f"site build: --notebooks {' '.join(prefixes)}: the notebooks are {known}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=lite.REPOSITORY / "site",
                        help="the folder to write (replaced); default: site/")
    parser.add_argument("--notebooks", nargs="+", metavar="NN",
                        help="only these notebooks, by number (default: all)")
    parser.add_argument("--chapters", nargs="+", metavar="CHAPTER",
                        help="only these exercise chapters, by name (default: all)")
    parser.add_argument("--lite-only", action="store_true", help="JupyterLite alone, no pages")
    parser.add_argument("--expose-app", action="store_true",
                        help="let scripts in the page reach JupyterLite's app (for tests)")
    args = parser.parse_args(argv)
    notebooks = chosen_notebooks(args.notebooks)
    out = args.out.resolve()
    if not args.lite_only:
        print(f"documentation → {out}")
        pages.build_pages(out, notebooks)
    print(f"JupyterLite → {out / 'lite'}")
    lite.build_lite(out / "lite", notebooks, args.chapters)
    if args.expose_app:
        settings_file = out / "lite" / "jupyter-lite.json"
        settings = json.loads(settings_file.read_text())
        settings["jupyter-config-data"]["exposeAppInBrowser"] = "true"
        settings_file.write_text(json.dumps(settings, indent=2))
    size = size_mb(out)
    print(f"site: {size:.1f} MB in {out} (target ≤ {TARGET_MB} MB)"
          f"{'' if size <= TARGET_MB else ': OVER THE TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
