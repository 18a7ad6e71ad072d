"""The workflow that publishes the site: valid YAML with the structure GitHub Pages documents.

It cannot run here; this checks what GitHub would read: the triggers, a build
job that runs ``make site`` and uploads site/ as the Pages artifact, and a
deploy job after it with the permissions and environment deploy-pages needs.
"""

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "pages.yml"


def load() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as True
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action + "@")]


def test_it_runs_on_pushes_to_main_and_by_hand():
    triggers = load()["on"]
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers


def test_the_build_job_makes_the_site_and_uploads_it():
    build = load()["jobs"]["build"]
    assert build["runs-on"].startswith("ubuntu")
    assert steps_using(build, "actions/checkout")
    assert any(step.get("run") == "make site" for step in build["steps"])
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    (cache,) = steps_using(build, "actions/cache")
    assert cache["with"]["path"] == "~/.cache/sweepgrad-site"
    # the site is made before it is uploaded
    runs = [step.get("run") or step.get("uses") for step in build["steps"]]
    assert runs.index("make site") < runs.index(upload["uses"])


def test_the_deploy_job_has_what_deploy_pages_needs():
    workflow = load()
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    (step,) = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"]["url"] == "${{ steps." + step["id"] + ".outputs.page_url }}"
    assert workflow["permissions"] == {"contents": "read"}  # nothing more for the build
