"""One way down: edges -> search -> archive's core, read from every module's imports.

The imports are parsed (``ast``), not executed, and those inside functions count too: a
lazy import is still a dependency, and a cycle hidden in a function is still a cycle.
"""

import ast
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("archive", "search", "config")
# What faces people and programs. Everything else of ``archive`` is its core.
EDGES = (
    "archive.admin",
    "archive.api",
    "archive.compare_views",
    "archive.entity_pages",
    "archive.feeds",
    "archive.management",
    "archive.saved_pages",  # the saved-search pages: read a search's parameters
    "archive.templatetags",
    "archive.unsubscribe",  # the page behind the link in alert e-mails
    "archive.urls",
    "archive.views",
    "config",
    "search.management",
)


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _files() -> dict[str, Path]:
    return {_name(path): path for top in PACKAGES for path in (ROOT / top).rglob("*.py")}


def _module_of(dotted: str) -> str | None:
    """The project module an import names (``search.outbox.outbox_drain`` -> ``search.outbox``)."""
    while dotted and dotted not in _files():
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imported(module: str, source: str | None = None) -> set[str]:
    """Project modules ``module`` imports anywhere in its text (functions included)."""
    path = _files()[module]
    tree = ast.parse(source if source is not None else path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {found for name in names if (found := _module_of(name)) and found != module}


@cache
def _graph() -> dict[str, set[str]]:
    return {module: imported(module) for module in _files()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _is_edge(module: str) -> bool:
    return any(_in(module, edge) for edge in EDGES)


def _is_core(module: str) -> bool:
    return _in(module, "archive") and not _is_edge(module)


def test_the_archive_core_knows_nothing_of_search():
    wrong = {
        module: sorted(m for m in targets if _in(m, "search"))
        for module, targets in _graph().items()
        if _is_core(module)
    }
    assert {module: found for module, found in wrong.items() if found} == {}


def test_nothing_below_the_edges_imports_an_edge():
    wrong = {
        module: sorted(m for m in targets if _is_edge(m))
        for module, targets in _graph().items()
        if not _is_edge(module)
    }
    assert {module: found for module, found in wrong.items() if found} == {}


def test_no_search_backend_imports_the_query_service():
    wrong = {
        module: sorted(m for m in targets if _in(m, "search.service"))
        for module, targets in _graph().items()
        if _in(module, "search.backends")
    }
    assert {module: found for module, found in wrong.items() if found} == {}


def test_the_project_has_no_import_circle():
    assert cycles(_graph()) == []


def test_no_import_of_the_project_is_guarded_by_except_import_error():
    guarded = []
    for module, path in _files().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers
            ):
                inner = ast.Module(body=node.body, type_ignores=[])
                if imported(module, ast.unparse(inner)):
                    guarded.append(module)
    assert guarded == []


def test_the_checks_see_imports_inside_functions_and_relative_ones():
    source = "def f():\n    from search.outbox import outbox_record\nfrom . import models\n"
    assert imported("archive.curation", source) == {"search.outbox", "archive.models"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
