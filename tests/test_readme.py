"""The README says what the code is: its module table lists every module of the package and only
existing ones, every command module among them, and the paths it names exist (CONTRIBUTING.md's
too)."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "iro_stats"
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
# Paths in backticks that must exist (glob patterns and <placeholders> excepted).
CHECKED_PREFIXES = ("src/", "specs/", "data/reference/", "workflow/", "notebooks/")
TABLE_HEADING = "### The package"
LAYERS = ["common", "reference", "read", "dataset", "stats", "render", "report", "synth", "cli"]


def _module_rows(text: str) -> list[str]:
    """Module paths (relative to src/iro_stats/) of the README's module table: the first table
    after the heading, one backticked ``.py`` path per row."""
    assert TABLE_HEADING in text, f"README.md has no {TABLE_HEADING!r} section"
    lines = text.split(TABLE_HEADING, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:   # after the header and the separator
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        paths = [m for cell in cells for m in re.findall(r"^`([\w/]+\.py)`$", cell)]
        assert len(paths) == 1, f"a row of the module table without one module path: {line}"
        rows.append(paths[0])
    return rows


def _modules() -> set[str]:
    """Every module file of the package, but the layer folders' ``__init__.py``."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name == "__init__.py" and path.parent != PACKAGE:
            continue
        found.add(relative)
    return found


def _command_modules() -> set[str]:
    """The command modules of ``cli/``: those ``COMMANDS`` names, and any module defining ``run``."""
    init = ast.parse((PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8"))
    named = set()
    for node in ast.walk(init):
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMMANDS"
                                                 for t in node.targets)):
            named = {value.elts[0].value for value in node.value.values}
    assert named, "no COMMANDS in cli/__init__.py"
    for path in (PACKAGE / "cli").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "run" for n in tree.body):
            named.add(path.stem)
    return {f"cli/{name}.py" for name in named}


def _backticked(text: str) -> list[str]:
    """Inline code spans outside fenced code blocks."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.findall(r"`([^`\n]+)`", text)


def test_the_module_table_lists_every_module_and_only_existing_ones():
    rows = _module_rows(README.read_text(encoding="utf-8"))
    listed, present = set(rows), _modules()
    missing = sorted(present - listed)
    absent = sorted(p for p in listed if not (PACKAGE / p).is_file())
    duplicated = sorted({p for p in rows if rows.count(p) > 1})
    assert not missing, f"modules missing from README.md's module table: {missing}"
    assert not absent, f"README.md's module table names files that do not exist: {absent}"
    assert not duplicated, f"modules listed twice in README.md's module table: {duplicated}"


def test_the_module_table_is_grouped_by_layer_in_order():
    rows = _module_rows(README.read_text(encoding="utf-8"))
    ranks = [LAYERS.index(r.split("/")[0]) if "/" in r else -1 for r in rows]
    assert ranks == sorted(ranks), "README.md's module table is not in layer order: " + ", ".join(
        r for r, k, before in zip(rows, ranks, [-1] + ranks) if k < before)


def test_every_command_module_is_listed():
    listed = set(_module_rows(README.read_text(encoding="utf-8")))
    unlisted = sorted(_command_modules() - listed)
    assert not unlisted, f"command modules missing from README.md's module table: {unlisted}"


@pytest.mark.parametrize("document, prefixes", [
    (README, CHECKED_PREFIXES),
    (CONTRIBUTING, CHECKED_PREFIXES + ("tests/",)),
], ids=["README", "CONTRIBUTING"])
def test_the_paths_named_exist(document, prefixes):
    missing = []
    for span in _backticked(document.read_text(encoding="utf-8")):
        path = span.strip()
        if not path.startswith(prefixes) or " " in path or "*" in path or re.search(r"<[^>]*>",
                                                                                    path):
            continue
        if not (ROOT / path.rstrip("/")).exists():
            missing.append(path)
    assert not missing, f"{document.name} names paths that do not exist: {sorted(set(missing))}"


def test_the_spec_files_name_existing_modules():
    """The specs' comments point readers at the code that reads them: those modules exist."""
    named = {(spec.relative_to(ROOT).as_posix(), path)
             for spec in sorted((ROOT / "specs").rglob("*.*")) if spec.suffix in (".yaml", ".md")
             for path in re.findall(r"src/iro_stats/[\w/]+\.py", spec.read_text(encoding="utf-8"))}
    assert len(named) >= 5
    missing = sorted(f"{spec}: {path}" for spec, path in named if not (ROOT / path).is_file())
    assert not missing, missing
