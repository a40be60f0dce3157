"""The documentation keeps up with the code: every operation in /openapi.json is in docs/api.md and README.

docs/api.md gives each operation a ``### `METHOD /path` `` heading (aliases share one heading,
e.g. ``### `POST /auth/register`, `POST /register` ``), followed by an ``Auth: **none**``,
``**bearer**`` or ``**admin**`` line and every status code the operation documents.
README.md's route table has a row holding ``` `METHOD /path` ``` for each operation.
"""

import re
import shutil
import subprocess

import pytest

from tests.live import PROJECT_ROOT

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}
ADMIN_REQUIRED = "Admin privileges required"
# Files that may name the sibling checkout: the benchmark runs the peer service from it.
PEER_FILES = re.compile(r"^bench/")


@pytest.fixture
def operations(client):
    """{"METHOD /path": operation object} for every operation in /openapi.json."""
    spec = client.get("/openapi.json").get_json()
    found = {f"{method.upper()} {path}": operation
             for path, item in spec["paths"].items() for method, operation in item.items() if method in HTTP_METHODS}
    assert len(found) > 20  # the document really was read
    return found


def auth_requirement(operation):
    """none, bearer or admin, as the OpenAPI document declares it."""
    if not operation.get("security"):
        return "none"
    forbidden = operation["responses"].get("403", {}).get("description", "")
    return "admin" if forbidden == ADMIN_REQUIRED else "bearer"


def api_sections():
    """{heading line: section text} of docs/api.md, split at ``###`` headings."""
    text = (PROJECT_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    parts = re.split(r"^(###[^\n]*)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def section_of(sections, key):
    """The section whose heading names ``key`` (e.g. "GET /tasks/{task_id}"), or None."""
    matches = [body for heading, body in sections.items() if f"`{key}`" in heading]
    assert len(matches) <= 1, f"{key} has more than one heading in docs/api.md"
    return matches[0] if matches else None


def test_api_doc_has_a_heading_for_every_operation(operations):
    sections = api_sections()
    missing = [key for key in operations if section_of(sections, key) is None]
    assert not missing, f"docs/api.md has no heading for: {', '.join(missing)}"


def test_api_doc_states_each_operations_auth_and_statuses(operations):
    sections, wrong = api_sections(), []
    for key, operation in operations.items():
        section = section_of(sections, key)
        if section is None:
            continue  # reported by the test above
        expected = auth_requirement(operation)
        if f"Auth: **{expected}**" not in section:
            wrong.append(f"{key} should say Auth: **{expected}**")
        # A shared response ($ref, e.g. 400 for an untrusted Host) is described once, under Conventions.
        wrong += [f"{key} does not mention {status}" for status, response in operation["responses"].items()
                  if status != "default" and "$ref" not in response and not re.search(rf"\b{status}\b", section)]
    assert not wrong, "docs/api.md: " + "; ".join(wrong)


def test_api_doc_names_no_operation_the_api_lacks(operations):
    named = set()
    for heading in api_sections():
        named.update(re.findall(r"`((?:GET|PUT|POST|PATCH|DELETE) /[^`]*)`", heading))
    assert named <= set(operations), f"docs/api.md documents operations /openapi.json lacks: {named - set(operations)}"


def test_readme_route_table_lists_every_operation(operations):
    rows = [line for line in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]
    missing = [key for key in operations if not any(f"`{key}`" in row for row in rows)]
    assert not missing, f"README.md's route table lacks: {', '.join(missing)}"


def tracked_files():
    """The repository's tracked files, or a skip outside a git checkout."""
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files")
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_depends_on_the_sibling_shared_folder():
    outside = re.compile(r"\.\./" + "shared")  # split so this file does not match itself
    offenders = []
    for name in tracked_files():
        path = PROJECT_ROOT / name
        if PEER_FILES.match(name) or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        offenders += [f"{name}:{number}" for number, line in enumerate(text.splitlines(), 1) if outside.search(line)]
    assert not offenders, f"the repository must be complete on its own; these refer outside it: {', '.join(offenders)}"
