"""The package's shape, measured from its source: imports, cycles, long functions, settings.

`python -m tests.architecture [PACKAGE_DIR]` prints the counts; tests/test_layout.py asserts
on them. Imports are read with `ast`, so an import inside a function counts as much as one at
the top of a module.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
LONG = 60
"""A function longer than this many lines (decorators and docstring included) is long."""


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (`dashboard.store.duck`)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(tree: ast.AST, name: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(module imported, line) for each import statement anywhere in `tree`."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                root = here[: len(here) - node.level + 1]
                base = ".".join([*root, base] if base else root)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in it, `TYPE_CHECKING` included)."""
    mods = modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {t for t, _ in _imported(tree, name, path.name == "__init__.py")}
        graph[name] = {t for t in targets if t in mods and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def imports_inside_functions(package: Path = PACKAGE) -> list[tuple[str, int]]:
    """(module, line) of each statement in a function that imports the package's modules."""
    mods = modules(package)
    found = set()
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for target, line in _imported(fn, name, path.name == "__init__.py"):
                if target in mods:
                    found.add((name, line))
    return sorted(found)


def unexplained_lazy_imports(package: Path = PACKAGE) -> list[tuple[str, int]]:
    """(module, line) of each group of imports inside a function without a `# lazy:` comment
    on the line above it saying why the import waits until it is needed."""
    found = set()
    for name, path in modules(package).items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    above = lines[node.lineno - 2].strip()
                    if not above.startswith("# lazy:") and not above.startswith(
                        ("import ", "from ")
                    ):
                        found.add((name, node.lineno))
    return sorted(found)


def long_functions(package: Path = PACKAGE, limit: int = LONG) -> list[tuple[str, str, int]]:
    """(module, function, lines) for each function longer than `limit` lines."""
    found = []
    for name, path in modules(package).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > limit:
                    found.append((name, node.name, length))
    return sorted(found, key=lambda f: -f[2])


ENV_READ = re.compile(r"os\.environ|os\.getenv|getenv\(")


def env_readers(package: Path = PACKAGE) -> list[str]:
    """Modules that read the process environment."""
    return [n for n, p in modules(package).items() if ENV_READ.search(p.read_text("utf-8"))]


def top_level_modules(package: Path = PACKAGE) -> list[str]:
    return sorted(p.stem for p in package.glob("*.py") if p.stem != "__init__")


def counts(package: Path = PACKAGE) -> dict[str, object]:
    graph = import_graph(package)
    return {
        "modules": len(modules(package)),
        "modules directly in dashboard/": len(top_level_modules(package)),
        "import cycles": cycles(graph),
        "imports inside functions (of the package's modules)": len(
            imports_inside_functions(package)
        ),
        "functions over 60 lines": long_functions(package),
        "modules that read the environment": env_readers(package),
    }


if __name__ == "__main__":
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE
    print(json.dumps(counts(where), indent=1, ensure_ascii=False))
