"""The import reader that derives the rules' code inputs, on a small package whose imports are
known: relative and absolute, at module level and inside functions, of modules and of names."""

from __future__ import annotations


import pytest

from iro_stats.common import codegraph


@pytest.fixture
def toy(tmp_path, monkeypatch):
    pkg = tmp_path / "iro_stats"
    files = {
        "__init__.py": "",
        "__main__.py": "from .cli import main\n",
        "cli/__init__.py": "import importlib\n\ndef main():\n    importlib.import_module('x')\n",
        "cli/run.py": "def run():\n    from iro_stats.b import thing\n",
        "a/__init__.py": "",
        "a/one.py": "from . import two\nfrom ..c.three import VALUE\n",
        "a/two.py": "import os\n",
        "b.py": "from iro_stats.a import one\nthing = 1\n",
        "c/__init__.py": "",
        "c/three.py": "VALUE = 3\n",
        "c/schemas/s.yaml": "x: 1\n",
        "d.py": "import iro_stats.c.three\n",
    }
    for name, text in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    monkeypatch.setattr(codegraph, "ROOT", pkg)
    codegraph.modules.cache_clear()
    codegraph.imports.cache_clear()
    yield pkg
    codegraph.modules.cache_clear()
    codegraph.imports.cache_clear()


def test_imports_of_every_form_are_read(toy):
    assert codegraph.imports("iro_stats.a.one") == {"iro_stats.a.two", "iro_stats.c.three"}
    assert codegraph.imports("iro_stats.b") == {"iro_stats.a.one"}
    assert codegraph.imports("iro_stats.d") == {"iro_stats.c.three"}
    assert codegraph.imports("iro_stats.cli.run") == {"iro_stats.b"}   # inside a function
    assert codegraph.imports("iro_stats.cli") == set()                  # importlib: not followed


def test_a_command_needs_its_closure_its_packages_and_their_data(toy):
    files = {p.replace(str(toy) + "/", "") for p in codegraph.command_inputs("run")}
    assert files == {"__init__.py", "__main__.py", "cli/__init__.py", "cli/run.py", "b.py",
                     "a/__init__.py", "a/one.py", "a/two.py", "c/__init__.py", "c/three.py",
                     "c/schemas/s.yaml"}
    assert "d.py" not in files




def test_the_fast_reader_finds_what_a_walk_of_every_tree_finds():
    """The reader parses only the import statements it matches; a walk of each module's whole
    syntax tree must find the same package imports, for every module of the package."""
    import ast

    def walked(module):
        path = codegraph.modules()[module]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {codegraph._known(a.name) for a in node.names
                          if a.name.split(".")[0] == "iro_stats"}
            elif isinstance(node, ast.ImportFrom):
                base = codegraph._absolute(node.module, node.level, module,
                                           path.name == "__init__.py")
                if base.split(".")[0] == "iro_stats":
                    found |= {codegraph._known(f"{base}.{a.name}") or codegraph._known(base)
                              for a in node.names}
        return found - {None, module}

    assert len(codegraph.modules()) > 50
    differ = [m for m in codegraph.modules() if walked(m) != codegraph.imports(m)]
    assert not differ
