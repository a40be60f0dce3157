"""README's Layout section describes today's tree, and its import order is the one setup.cfg enforces."""

import configparser
import re

from tests.live import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = PROJECT_ROOT / "taskapi"


def layout_block():
    """The fenced block under ``## Layout``."""
    section = README.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def named_in_layout():
    """``taskapi/`` paths the layout block names: ``auth/``, ``auth/views/``, ``cli.py``, ..."""
    names = set()
    for line in layout_block().splitlines():
        match = re.match(r"^  (\S+)\s", line + " ")
        if match and (match.group(1).endswith("/") or match.group(1).endswith(".py")):
            names.add(match.group(1))
    return names


def test_layout_names_every_package_and_module_of_taskapi_and_nothing_else():
    packages = {f"{path.name}/" for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    modules = {path.name for path in PACKAGE.glob("*.py")}
    nested = {name for name in named_in_layout() if name.count("/") > 1}
    assert named_in_layout() - nested == packages | modules
    assert all((PACKAGE / name / "__init__.py").exists() for name in nested), nested


def test_readme_states_the_import_order_of_the_layers_contract():
    config = configparser.ConfigParser()
    config.read(PROJECT_ROOT / "setup.cfg")
    layers = config["importlinter:contract:layers"]["layers"].split("\n")
    order = " → ".join(" | ".join(f"`{name.strip().removeprefix('taskapi.')}`" for name in layer.split("|"))
                       for layer in layers if layer.strip())
    assert order in " ".join(README.split()), f"README should state: {order}"
