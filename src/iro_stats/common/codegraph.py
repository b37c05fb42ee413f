"""The package's import graph, read from the source (standard library only).

The workflow derives each rule's code inputs from it (:func:`command_inputs`: every file the
rule's command can import, so a rule reruns exactly when code it runs changes), and the test of
the layering reads it too. Every ``import`` of a package module counts, at any depth of a file
(the commands import lazily inside functions); the ``__init__`` of each package a module lies in
counts too, as Python runs it, and so do the data files (schemas) of a package whose modules are
imported.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE = "iro_stats"
ROOT = Path(__file__).resolve().parents[1]   # the package folder


@cache
def modules() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the package."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _absolute(name: str | None, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return name or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _known(name: str) -> str | None:
    """The package module a dotted name lies in (a module, or a name defined in one)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


# An import statement at any indentation (a parenthesized list may span lines). Matching the
# statements first and parsing only them is ten times faster than walking every file's tree; a
# docstring line that reads as an import can only add an input, never hide one.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]+(?:\([^)]*\)|[^\n#;]*)"
                     r"|import[ \t]+[^\n#;]*)", re.M)


def _statements(path: Path):
    for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
        try:
            yield from ast.parse(match.group(0).strip()).body
        except SyntaxError:
            continue


@cache
def imports(module: str) -> frozenset[str]:
    """The package modules ``module`` imports anywhere in its file."""
    path = modules()[module]
    found = set()
    for node in _statements(path):
        if isinstance(node, ast.Import):
            found.update(filter(None, (_known(a.name) for a in node.names
                                       if a.name.split(".")[0] == PACKAGE)))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, module, path.name == "__init__.py")
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                found.add(_known(f"{base}.{alias.name}") or _known(base))
    found.discard(None)
    found.discard(module)
    return frozenset(found)


def _with_packages(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:k]) for k in range(1, len(parts) + 1)}


def closure(*roots: str) -> set[str]:
    """Every package module that importing ``roots`` can run, their packages included."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for name in _with_packages(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.extend(imports(name))
    return seen


def data_files(names: set[str]) -> list[Path]:
    """The files of the data folders (folders that are not packages, e.g. ``schemas/``) beside
    the package modules ``names``."""
    folders = {modules()[n].parent for n in names}
    data = {child for folder in folders for child in folder.iterdir() if child.is_dir()
            and child.name != "__pycache__" and not (child / "__init__.py").exists()}
    return sorted(p for folder in data for p in folder.rglob("*") if p.is_file())


def command_inputs(command: str, relative_to: str | Path | None = None,
                   also: tuple[str, ...] = ()) -> list[str]:
    """The files the ``iro-stats`` command of module ``iro_stats.cli.<command>`` can run or read:
    ``python -m iro_stats``, the dispatcher, the command and everything they import (and the
    modules ``also``, e.g. those a notebook the command executes imports)."""
    names = closure(f"{PACKAGE}.__main__", f"{PACKAGE}.cli.{command}", *also)
    paths = sorted({modules()[n] for n in names}) + data_files(names)
    base = Path(relative_to).resolve() if relative_to else None
    return [str(p.relative_to(base)) if base and p.is_relative_to(base) else str(p)
            for p in paths]
