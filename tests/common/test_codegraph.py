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


