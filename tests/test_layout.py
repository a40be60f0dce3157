"""The tree keeps the shape docs/README describe: few top-level modules, small modules, every auth service fenced."""

import configparser
import pkgutil
from pathlib import Path

import taskapi
from tests.live import PROJECT_ROOT

PACKAGE = Path(taskapi.__file__).parent


def test_few_top_level_modules_beside_the_packages():
    modules = [module.name for module in pkgutil.iter_modules([str(PACKAGE)]) if not module.ispkg]
    assert len(modules) <= 8, modules


def test_no_module_is_over_about_200_lines():
    long = {str(path.relative_to(PACKAGE)): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 220}
    assert long == {}


def test_every_auth_service_is_forbidden_to_import_the_auth_views():
    config = configparser.ConfigParser()
    config.read(PROJECT_ROOT / "setup.cfg")
    fenced = set(config["importlinter:contract:auth-views"]["source_modules"].split())
    services = {f"taskapi.auth.{module.name}" for module in pkgutil.iter_modules([str(PACKAGE / "auth")])
                if module.name != "views"}
    assert services - fenced == set(), "add the new auth service to the auth-views contract in setup.cfg"
