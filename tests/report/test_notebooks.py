"""Notebooks executed in one IPython shell (report/notebooks.py): each cell's output kept as a
Jupyter kernel sends it, a fresh namespace per notebook, the same page from the same results,
and a failing cell stops the run with nothing written."""

from __future__ import annotations

import pytest

from iro_stats.common.errors import IroStatsError
from iro_stats.report.notebooks import execute

FIRST = '''# %% [markdown]
# # A first notebook

# %%
from IPython.display import HTML, display
print("printed", RESULTS.name, SOURCE, DISCLOSURE_THRESHOLD)
display(HTML("<b id='shown'>displayed</b>"))
kept = 41

# %%
kept + 1
'''

SECOND = '''# %%
print("kept" in globals())
'''


def _write(folder, name, text):
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_outputs_in_order_a_fresh_namespace_and_the_same_page_twice(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    sources = [_write(folder, "first", FIRST), _write(folder, "second", SECOND)]
    pages = {}
    for run in ("a", "b"):
        written = execute(sources, tmp_path / run, tmp_path / "results", "synthetic",
                          threshold=5)
        assert [p.name for p in written] == ["first.html", "second.html"]
        pages[run] = [p.read_bytes() for p in written]
    assert pages["a"] == pages["b"]                      # byte-identical from the same inputs
    first, second = (page.decode() for page in pages["a"])
    assert "<title>iro-stats: A first notebook</title>" in first
    # the stream, the display and the last expression's result, in that order
    assert first.index("printed results synthetic 5") < first.index('<b id="shown">displayed') \
        < first.index("<pre>42</pre>")
    assert str(tmp_path) not in first                   # the paths are relative
    assert "False" in second and "True" not in second   # nothing left from the first


def test_a_failing_cell_names_the_notebook_and_writes_nothing(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    good = _write(folder, "good", SECOND)
    bad = _write(folder, "bad", "# %%\n1 / 0\n")
    with pytest.raises(IroStatsError, match=r"bad\.py: a cell failed:(.|\n)*ZeroDivisionError"):
        execute([good, bad], tmp_path / "out", tmp_path / "results", "synthetic")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
