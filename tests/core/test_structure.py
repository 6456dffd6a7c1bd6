"""The house keeps its shape: imports point one way between packages (core ← teachers ←
placements, competitions ← recognition ← dashboard), and no two modules import each other, not
even from inside a function (a circle a lazy import hides is still a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What each package may import (besides itself).
MAY_IMPORT = {
    "core": set(),
    "teachers": {"core"},
    "placements": {"teachers", "core"},
    "competitions": {"teachers", "core"},
    "recognition": {"placements", "competitions", "teachers", "core"},
    "dashboard": {"recognition", "placements", "competitions", "teachers", "core"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in MAY_IMPORT:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the product's modules, wherever in the file they stand."""
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    child = f"{target}.{alias.name}"
                    if child in modules:
                        edges[name].add(child)
                    elif target in modules:
                        edges[name].add(target)
            elif isinstance(node, ast.Import):
                edges[name] |= {a.name for a in node.names if a.name in modules}
    return edges


def test_imports_point_one_way_between_packages():
    wrong = []
    for name, targets in _imports(_modules()).items():
        home = name.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != home and other not in MAY_IMPORT[home]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_circle():
    edges = _imports(_modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for v in edges:
        if v not in index:
            visit(v)
    assert not circles, circles


def test_import_and_task_kinds_are_registered_by_init_app_not_by_importing():
    """Wiring is explicit: a package's import kinds, kinds of task and workflows are registered
    inside its `init_app`, so importing every module of the product, with no app made, registers
    none of them."""
    import subprocess
    import sys

    names = sorted(n for n in _modules() if not n.endswith("migrations") and ".migrations" not in n)
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "from core import imports, tasks, workflow\n"
        "print(sorted(imports.KINDS), sorted(tasks.KINDS), len(workflow.BY_MODEL))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[] [] 0", done.stdout


def test_every_workflow_that_names_its_record_is_registered_by_the_app(app):  # type: ignore[no-untyped-def]
    """A workflow left out of its package's `init_app` would print its records' state as a code
    (`status_label` finds no workflow): every one the product defines is known once the app is
    made."""
    import importlib

    from core import workflow

    names = sorted(n for n in _modules() if ".migrations" not in n and not n.endswith("migrations"))
    defined = {
        value.model: value
        for name in names
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, workflow.Workflow) and value.model is not None
    }
    assert len(defined) >= 9
    missing = [m.__name__ for m, w in defined.items() if workflow.BY_MODEL.get(m) is not w]
    assert not missing, f"not registered by an init_app: {missing}"
