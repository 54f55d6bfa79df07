"""Readers for the deployment files, shared by the deploy tests."""

import json
import re
from pathlib import Path

import yaml

from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
IMAGE_ROOT = "/app/"  # WORKDIR of the image: where the checkout is copied


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def dockerfile_exec_form(keyword: str) -> list[str]:
    """The JSON array of the last ENTRYPOINT, CMD or HEALTHCHECK ... CMD instruction."""
    arguments = [args for kw, args in dockerfile_instructions() if kw == keyword][-1]
    if keyword == "HEALTHCHECK":
        arguments = arguments.split(" CMD ", 1)[1]
    return json.loads(arguments)


def native_command() -> list[str]:
    """What the container runs at start (ENTRYPOINT + CMD), with paths into this checkout."""
    words = dockerfile_exec_form("ENTRYPOINT") + dockerfile_exec_form("CMD")
    return [
        str(ROOT) + "/" + w[len(IMAGE_ROOT) :] if w.startswith(IMAGE_ROOT) else w for w in words
    ]


def compose_config() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}")


def interpolate(value, variables: dict[str, str] | None = None):
    """Compose-style ``${NAME:-default}`` substitution; ``$$`` stays a literal ``$``."""
    variables = variables or {}
    if isinstance(value, str):

        def substitute(match):
            return variables.get(match["name"]) or match["default"] or ""

        return _VARIABLE.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")
    if isinstance(value, list):
        return [interpolate(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, variables) for k, v in value.items()}
    return value


def compose_environment(service: str, variables: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a service gets when no .env file sets anything (a fresh clone)."""
    environment = compose_config()["services"][service].get("environment", {})
    return {k: str(v) for k, v in interpolate(environment, variables).items()}
