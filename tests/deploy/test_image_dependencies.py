"""The image installs only the ``dependencies`` of pyproject.toml and its ``semantic``
extra (and what they require): every third-party module the running code imports must
come from there, or the container fails at start while the development virtualenv, which
has the dev extra too, works.
"""

import ast
import sys
import tomllib
from importlib import metadata

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

RUNTIME_CODE = ("archive", "search", "config", "docker", "manage.py")


def _declared() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    return project["dependencies"] + project["optional-dependencies"]["semantic"]


def _installed_closure(requirements: list[str]) -> set[str]:
    """Distributions that ``pip install`` of these requirements brings, extras left out."""
    seen: set[str] = set()
    pending = [Requirement(r) for r in requirements]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        seen.add(name)
        pending.extend(Requirement(r) for r in metadata.requires(requirement.name) or [])
    return seen


def _optional_imports(tree: ast.AST) -> set[int]:
    """Imports guarded by ``except ImportError``: the code copes without them."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return guarded


def _imported_modules() -> set[str]:
    modules = set()
    for top in RUNTIME_CODE:
        path = ROOT / top
        files = [path] if path.is_file() else path.rglob("*.py")
        for file in files:
            tree = ast.parse(file.read_text(), filename=str(file))
            optional = _optional_imports(tree)
            for node in ast.walk(tree):
                if id(node) in optional:
                    continue
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    modules.update(app.split(".")[0] for app in settings.INSTALLED_APPS)
    return modules


def _third_party(modules: set[str]) -> dict[str, set[str]]:
    """Module -> the distributions that provide it, for modules not of the stdlib or ours."""
    local = {p.name for p in ROOT.iterdir() if p.is_dir()} | {"manage"}
    providers = metadata.packages_distributions()
    return {
        module: {canonicalize_name(d) for d in providers.get(module, [module])}
        for module in modules
        if module not in sys.stdlib_module_names and module not in local
    }


def test_every_third_party_module_the_code_imports_is_a_runtime_dependency():
    available = _installed_closure(_declared())

    missing = {
        module: sorted(dists)
        for module, dists in _third_party(_imported_modules()).items()
        if not dists & available
    }

    assert missing == {}, f"add to [project] dependencies in pyproject.toml: {missing}"


def test_the_image_server_stack_is_pinned():
    declared = {canonicalize_name(Requirement(r).name) for r in _declared()}

    assert {"gunicorn", "whitenoise", "psycopg2-binary", "dj-database-url"} <= declared
