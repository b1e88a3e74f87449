"""Binder builds the environment CI tests: the Python of runtime.txt, requirements.txt.

repo2docker (the tool behind mybinder.org) is run with --no-build --no-run on the
repository: it detects the environment as Binder would and prints the Dockerfile it
would build, without Docker and without the network. The test reads that Dockerfile.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CI_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_runtime_txt_names_the_python_ci_tests():
    assert (ROOT / "runtime.txt").read_text(encoding="utf-8").strip() == f"python-{CI_PYTHON}"


def test_requires_python_starts_at_the_python_ci_tests():
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert spec["project"]["requires-python"] == f">={CI_PYTHON}"


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory) -> tuple[str, str]:
    """(Dockerfile, log) of repo2docker's detection for this repository."""
    repo2docker = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    if repo2docker is None:
        pytest.skip("repo2docker is not installed (pip install jupyter-repo2docker)")
    out = subprocess.run(
        [repo2docker, "--no-build", "--no-run", "--user-id", "1000", "--user-name",
         "jovyan", str(ROOT)], capture_output=True, text=True, timeout=300,
        cwd=tmp_path_factory.mktemp("r2d"))
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout, out.stderr


def test_binder_uses_the_python_of_runtime_txt(dockerfile):
    text, log = dockerfile
    assert f"python={CI_PYTHON}" in log, log[-2000:]
    # the conda lock file of that Python (its name escaped: "." is written "-2e")
    assert f"environment-2epy-2d{CI_PYTHON.replace('.', '-2e')}-2d" in text


def test_binder_installs_requirements_txt_after_copying_the_repository(dockerfile):
    text, _ = dockerfile
    lines = [line.strip() for line in text.splitlines()]
    copy = next(i for i, line in enumerate(lines) if line.startswith("COPY")
                and " src/ " in line)
    install = next(i for i, line in enumerate(lines)
                   if "pip install" in line and '-r "requirements.txt"' in line)
    assert copy < install, "requirements.txt's `-e .` needs the repository copied first"
    assert not (ROOT / "environment.yml").exists(), "environment.yml would replace pip"
