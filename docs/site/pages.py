"""The documentation part of the course site: MkDocs pages, the API reference, the notebooks.

The pages are laid out as in the repository, so the links between them work
unchanged: README.md (the front page, ``index.html``), docs/*.md, the
notebooks (rendered with their committed outputs by mkdocs-jupyter, each
opening with a link that runs it in the browser, in JupyterLite under
``lite/``), notebooks/exercises/README.md, LICENSE. The API reference
(docs/api.md, written at build time) has one entry per public name of
``engine`` and ``nn`` (their ``__all__``), drawn from the docstrings by
mkdocstrings.
"""

from __future__ import annotations

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

# What a notebook's code uses that Pyodide can only fetch from its own servers.
# ("plots", not "plot": the set-up cell installs sweepgrad[plot] outside the browser.)
NEEDS_PYODIDE_SERVERS = re.compile(r"\b(numpy|matplotlib|plots|plot_\w+|matrix_form|PIL)\b")
# A Markdown link to another page of the repository (not to a site: no scheme).
RELATIVE_PAGE_LINK = re.compile(
    r"\]\((?P<path>(?![a-z]+:)[^)#\s]+?)\.(?:md|ipynb)(?P<anchor>#[^)\s]*)?\)")


def notebook_pages(notebooks: list[Path]) -> list[Path]:
    """The notebooks given, or all of notebooks/NN_*.ipynb."""
    return notebooks or sorted((REPOSITORY / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def needs_pyodide_servers(notebook: dict) -> bool:
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"]
                     if cell["cell_type"] == "code")
    return bool(NEEDS_PYODIDE_SERVERS.search(code))


def with_run_link(path: Path) -> dict:
    """The notebook with a first cell linking it in JupyterLite (and what it loads there)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    lines = [f"[▶ Run it in your browser](../lite/notebooks/index.html?path={path.name}) "
             "(JupyterLite: Python in this page, nothing to install)."]
    if needs_pyodide_servers(notebook):
        lines.append(
            "\n\nIn the browser this notebook needs numpy and matplotlib, which Pyodide loads "
            "from its own servers (cdn.jsdelivr.net) when the notebook first imports them: "
            "it needs the network there, unlike the notebooks that use sweepgrad alone.")
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = as_on_the_site("".join(cell["source"]))
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {},
                                 "source": "".join(lines)})
    return notebook


def as_on_the_site(markdown: str) -> str:
    """A notebook's Markdown with links to pages as the site names them (``x.md`` and
    ``x.ipynb`` are ``x.html``, a README ``index.html``), and headings without code
    spans (mkdocs-jupyter gives their table of contents other anchors than the headings)."""
    markdown = RELATIVE_PAGE_LINK.sub(
        lambda m: f"]({m['path'].removesuffix('README') or ''}"
                  f"{'index' if m['path'].endswith('README') else ''}.html{m['anchor'] or ''})",
        markdown)
    return re.sub(r"(?m)^(#+ .*)$", lambda m: m[1].replace("`", ""), markdown)


def api_page(names: dict[str, list[str]]) -> str:
    """docs/api.md: one mkdocstrings entry per public name."""
    parts = ["# API reference\n\n",
             "Every public name of `engine` and `nn` (their `__all__`), from the docstrings.\n"]
    for package, public in names.items():
        parts.append(f"\n## `{package}`\n\n::: {package}\n    options:\n      members: false\n")
        for name in public:
            if name.startswith("__"):
                continue
            parts.append(f"\n::: {package}.{name}\n    options:\n      heading_level: 3\n"
                         "      show_root_full_path: true\n")
    return "".join(parts)


def public_names() -> dict[str, list[str]]:
    import engine
    import nn

    return {package.__name__: sorted(package.__all__, key=str.lower) for package in (engine, nn)}


def stage(folder: Path, notebooks: list[Path]) -> list[str]:
    """Lay the pages out in ``folder``; return the notebooks' page paths for the nav."""
    shutil.copy(REPOSITORY / "README.md", folder / "README.md")
    shutil.copy(REPOSITORY / "LICENSE", folder / "LICENSE")
    shutil.copytree(REPOSITORY / "docs", folder / "docs",
                    ignore=shutil.ignore_patterns("site", "node_modules"))
    (folder / "docs" / "api.md").write_text(api_page(public_names()), encoding="utf-8")
    pages = folder / "notebooks"
    (pages / "exercises").mkdir(parents=True)
    shutil.copy(REPOSITORY / "notebooks" / "README.md", pages / "README.md")
    shutil.copy(REPOSITORY / "notebooks" / "exercises" / "README.md",
                pages / "exercises" / "README.md")
    names = []
    for path in notebook_pages(notebooks):
        (pages / path.name).write_text(json.dumps(with_run_link(path)), encoding="utf-8")
        names.append(f"notebooks/{path.name}")
    return names


def config(docs_dir: Path, out: Path, notebooks: list[str]) -> dict:
    docs = sorted(p.name for p in (docs_dir / "docs").glob("*.md"))
    return {
        "site_name": "sweepgrad",
        "site_description": "A scalar computation-graph engine for teaching backpropagation",
        "docs_dir": str(docs_dir),
        "site_dir": str(out),
        "use_directory_urls": False,
        # No web fonts: the pages ask no host but their own for how they look.
        "theme": {"name": "material", "features": ["navigation.sections"], "font": False},
        "exclude_docs": "site/\nnode_modules/\n",
        "nav": [
            {"Home": "README.md"},
            {"Documentation": [f"docs/{name}" for name in docs]},
            {"Notebooks": ["notebooks/README.md", *notebooks]},
            {"Exercises": "notebooks/exercises/README.md"},
        ],
        "markdown_extensions": ["tables", "admonition", "toc",
                                {"pymdownx.highlight": {}}, "pymdownx.superfences",
                                {"pymdownx.arithmatex": {"generic": True}}],
        "plugins": [
            "search",
            {"mkdocs-jupyter": {"include_source": True, "execute": False,
                                "include_requirejs": False}},
            {"mkdocstrings": {"handlers": {"python": {
                "paths": [str(REPOSITORY)],
                "options": {"docstring_style": None, "show_source": False,
                            "show_signature_annotations": True,
                            "separate_signature": True}}}}},
        ],
        "validation": {"links": {"not_found": "warn", "unrecognized_links": "info"}},
    }


def build_pages(out: Path, notebooks: list[Path]) -> Path:
    """Build the documentation into ``out`` with MkDocs; return it."""
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "pages"
        staged.mkdir()
        names = stage(staged, notebooks)
        settings = Path(scratch) / "mkdocs.yml"
        settings.write_text(json.dumps(config(staged, out, names), indent=1))  # JSON is YAML
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet",
                               "--config-file", str(settings)],
                              capture_output=True, text=True, cwd=scratch,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        if done.returncode != 0:
            raise SystemExit(f"site build: mkdocs failed:\n{done.stdout}{done.stderr}")
        warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
        for line in warnings:
            print(line, file=sys.stderr)
    return out
