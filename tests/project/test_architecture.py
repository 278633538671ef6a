"""The house's rules, checked: the import graph follows the layers and has no cycles, and no
function in the product code outgrows a screen.

The layers and the rooms are declared once, as import-linter contracts in pyproject.toml
([tool.importlinter]); `lint-imports` prints the same report at the command line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "handlers", "scheduling", "storage")
MAX_FUNCTION_LINES = 80


def test_every_import_contract_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """Layers (command line > handlers > application > scheduling > storage), the rooms inside
    bot/ and scheduling/, the sandbox apart, Telegram only in handlers/, no sibling cycles."""
    configure()  # import-linter's adapters, as its command line sets them up
    passed = lint_imports(
        str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True, is_debug_mode=True
    )
    report = capsys.readouterr().out
    assert passed, report
    assert "Contracts: 7 kept, 0 broken." in report, report


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. import cycles."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back() -> None:
    """No cycle between modules anywhere in the product, across packages too."""
    graph = grimp.build_graph(*PRODUCT, cache_dir=None)
    assert _cycles(graph) == []


def test_scheduling_and_storage_never_import_the_application() -> None:
    graph = grimp.build_graph(*PRODUCT, cache_dir=None)
    upward = [
        (importer, imported)
        for importer in graph.modules
        if importer.split(".")[0] in ("scheduling", "storage")
        and not importer.startswith("storage.migrations.")  # see the house contract
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] in ("bot", "handlers")
    ]
    assert upward == []


def _long_functions() -> list[str]:
    found = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        where = path.relative_to(ROOT)
                        found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_80_lines() -> None:
    assert _long_functions() == []
