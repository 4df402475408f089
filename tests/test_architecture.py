"""The house stays tidy (docs/architecture.md): the import-linter contracts of pyproject.toml
hold (layers of areas, pure rules, core below areas, models below services, views on top),
no two modules import each other, no module of `portal/` passes 400 lines, no view 30 lines,
and every import inside a function says why on its line or the line above.

The figures come from `tools/house_metrics.py`, the script the restructuring issue quoted.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 30


def _metrics():
    spec = importlib.util.spec_from_file_location("house_metrics", ROOT / "tools" / "house_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_import_contracts_hold():
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_cycle_between_areas_or_modules():
    figures = _metrics().measure()
    assert figures["area_cycles"] == [], figures["area_edges"]
    assert figures["module_cycles"] == []


def test_modules_and_views_stay_small():
    figures = _metrics().measure()
    assert figures["modules_over_400"] == [], "split these along their seams"
    long_views = [name for lines, name in figures["longest_views"] if lines > MAX_VIEW_LINES]
    assert long_views == [], "move the flow into a service"


def test_every_import_inside_a_function_says_why():
    metrics = _metrics()
    unexplained = []
    for name, path in metrics.modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _target, line, inside in metrics.imports_of(path, name, set(metrics.modules())):
            if inside and "#" not in lines[line - 1] and not lines[line - 2].strip().startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{line}")
    assert unexplained == []
