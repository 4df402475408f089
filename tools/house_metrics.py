"""Figures about the shape of `portal/`: import cycles, in-function imports, module sizes,
view lengths, and transaction calls in views.

Run `python tools/house_metrics.py` from the project root (no app, no database: it only parses
the source with `ast`). The restructuring issue (#11) quotes its before/after output; run it
again when an area grows to see whether the house is still tidy. `--json` prints the figures
as JSON for comparison between two checkouts.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "portal"
VIEW_MODULE_NAMES = ("views", "staff_views", "guest_views", "account_views", "terms_views")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, current: str, known: set[str]):
    """Yield (imported module, line, inside_function) for every portal import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                continue  # imports for annotations only: never run, so no dependency
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("portal"):
                        yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                target = resolve(child, current, is_package)
                if not target.startswith("portal"):
                    continue
                for alias in child.names:
                    candidate = f"{target}.{alias.name}"
                    yield (candidate if candidate in known else target), child.lineno, in_function
            else:
                yield from visit(child, inner)

    yield from visit(tree, False)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def area_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "portal"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; returns the components with more than one node."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            connect(v)
    return result


def function_lengths(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            yield node.name, node.end_lineno - node.lineno + 1, first


def is_route(node) -> bool:
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Attribute) and target.attr in ("route", "get", "post"):
            return True
    return False


def measure() -> dict:
    mods = modules()
    known = set(mods)
    module_graph: dict[str, set[str]] = defaultdict(set)
    area_graph: dict[str, set[str]] = defaultdict(set)
    in_function = []
    for name, path in mods.items():
        for target, line, inside in imports_of(path, name, known):
            # A package's own imports of its submodules are not dependencies between modules.
            module_graph[name].add(target)
            if inside:
                in_function.append(f"{path.relative_to(ROOT)}:{line} -> {target}")
            src, dst = area_of(name), area_of(target)
            if src != dst and src in AREAS and dst in AREAS:
                area_graph[src].add(dst)
    sizes = sorted(
        ((len(p.read_text(encoding="utf-8").splitlines()), str(p.relative_to(ROOT))) for p in mods.values()),
        reverse=True,
    )
    views = []
    commits = rollbacks = 0
    for name, path in mods.items():
        if name.rsplit(".", 1)[-1] not in VIEW_MODULE_NAMES and ".views" not in name:
            continue
        text = path.read_text(encoding="utf-8")
        commits += text.count(".commit()")
        rollbacks += text.count(".rollback()")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_route(node):
                views.append((node.end_lineno - node.lineno + 1, f"{path.relative_to(ROOT)}:{node.name}"))
    views.sort(reverse=True)
    area_cycles = strongly_connected(area_graph)
    module_cycles = strongly_connected(module_graph)
    return {
        "modules": len(mods),
        "lines": sum(s for s, _ in sizes),
        "largest_modules": sizes[:5],
        "modules_over_400": [m for s, m in sizes if s > 400],
        "view_functions": len(views),
        "views_over_25": len([v for v in views if v[0] > 25]),
        "views_over_30": len([v for v in views if v[0] > 30]),
        "longest_views": views[:5],
        "commits_in_views": commits,
        "rollbacks_in_views": rollbacks,
        "imports_inside_functions": len(in_function),
        "imports_inside_functions_list": in_function,
        "area_cycles": area_cycles,
        "area_edges": {k: sorted(v) for k, v in sorted(area_graph.items())},
        "module_cycles": module_cycles,
    }


AREAS = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} | {"portal"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list every in-function import")
    args = parser.parse_args()
    figures = measure()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"modules: {figures['modules']}, lines: {figures['lines']}")
    print("largest modules: " + ", ".join(f"{m} ({s})" for s, m in figures["largest_modules"]))
    print(f"modules over 400 lines: {len(figures['modules_over_400'])} {figures['modules_over_400']}")
    print(f"view functions: {figures['view_functions']}, over 25 lines: {figures['views_over_25']}, "
          f"over 30 lines: {figures['views_over_30']}")
    print("longest views: " + ", ".join(f"{m} ({s})" for s, m in figures["longest_views"]))
    print(f"commit() in views: {figures['commits_in_views']}, rollback() in views: {figures['rollbacks_in_views']}")
    print(f"imports inside functions: {figures['imports_inside_functions']}")
    if args.verbose:
        for line in figures["imports_inside_functions_list"]:
            print("   ", line)
    print(f"area cycles: {len(figures['area_cycles'])} {figures['area_cycles']}")
    print(f"module cycles: {len(figures['module_cycles'])}")
    for cycle in figures["module_cycles"]:
        print("   ", " <-> ".join(cycle))
    print("area dependencies:")
    for src, dsts in figures["area_edges"].items():
        print(f"    {src} -> {', '.join(dsts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
