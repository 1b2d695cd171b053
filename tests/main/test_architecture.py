"""The shape of the code, checked: areas talk through events, so their imports form no cycle;
notifications and app/core import no area; no import hides inside a function to dodge a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
AREAS = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"core", "models"}


@pytest.fixture(autouse=True)
def clean_database():
    """Overrides the suite's database clean-up: these tests read source files only."""
    yield


def _under_type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            return True
    return False


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, imported inside a function) for each runtime import of app modules."""
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or _under_type_checking(node, parents):
            continue
        names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.module == "app":
            names = [f"app.{a.name}" for a in node.names]
        inside, up = False, node
        while up in parents:
            up = parents[up]
            inside = inside or isinstance(up, ast.FunctionDef)
        found += [(name, inside) for name in names if name and name.startswith("app.")]
    return found


def area_of(path: Path) -> str | None:
    parts = path.relative_to(APP).parts
    return parts[0] if len(parts) > 1 and parts[0] in AREAS | {"core"} else None


def imported_area(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in AREAS | {"core"} else None


def area_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {area: set() for area in AREAS | {"core"}}
    graph.setdefault("core", set())
    for path in APP.rglob("*.py"):
        source = area_of(path)
        for module, _inside in imports(path):
            target = imported_area(module)
            if source and target and target != source:
                graph[source].add(target)
    return graph


def test_no_import_cycle_between_areas():
    graph = area_graph()

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    cycles = sorted(area for area in graph if reaches(area, area, {area}))
    assert cycles == [], f"areas in an import cycle: {cycles} ({ {a: sorted(graph[a]) for a in cycles} })"


def test_notifications_and_core_import_no_area():
    graph = area_graph()
    assert graph["notifications"] <= {"core", "auth"}, graph["notifications"]
    assert graph["core"] == set(), graph["core"]


def test_no_import_hides_in_a_function():
    hidden = [
        f"{path.relative_to(APP)}: {module}"
        for path in APP.rglob("*.py")
        if path.name != "__init__.py" or path.parent != APP  # the factory imports the blueprints (microblog)
        for module, inside in imports(path)
        if inside
    ]
    assert hidden == []


def test_the_check_sees_a_cycle(tmp_path, monkeypatch):
    """The cycle test is not vacuous: two areas importing each other are caught."""
    for name, other in (("alpha", "beta"), ("beta", "alpha")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"from app.{other} import x\n")
    monkeypatch.setitem(globals(), "APP", tmp_path)
    monkeypatch.setitem(globals(), "AREAS", {"alpha", "beta"})
    with pytest.raises(AssertionError, match="alpha"):
        test_no_import_cycle_between_areas()
