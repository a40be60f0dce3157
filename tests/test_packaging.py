"""The wheel built from setup.cfg ships the app and everything it reads at run time, and nothing else."""

import shutil
import subprocess
import sys
import zipfile

from tests.live import PROJECT_ROOT


def test_the_wheel_ships_the_app_its_templates_and_config_but_no_tests_or_benchmarks(tmp_path):
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".tools", "instance", "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path)], check=True, cwd=tmp_path)
    [wheel] = tmp_path.glob("taskapi-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names if not name.startswith("taskapi-")}
    assert tops == {"taskapi", "config.py", "wsgi.py"}
    shipped = {path.relative_to(PROJECT_ROOT).as_posix() for folder in ("mail/templates", "pages")
               for path in (PROJECT_ROOT / "taskapi" / folder).rglob("*") if path.is_file()
               and path.suffix in {".txt", ".html", ".js", ".css"}}
    assert shipped and shipped <= names
