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
    assert first.index("printed results synthetic 5") < first.index("<b id='shown'>displayed") \
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


def test_the_page_is_nbconvert_s_own_document():
    """The exporter skips HTMLExporter's pass of BeautifulSoup and adds its attributes by text:
    the page must parse to the same document (tags, attributes, text) as HTMLExporter's own, on
    a notebook with every kind of output the notebooks make, and an image without alt text."""
    from bs4 import BeautifulSoup
    from importlib import resources

    import nbformat
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from iro_stats.report.notebooks import _exporter

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    notebook = new_notebook(cells=[
        new_markdown_cell("# A title\n\nSome *text* with <b id='b'>markup</b>."),
        new_code_cell("print(1)", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="1\n"),
            new_output("stream", name="stderr", text="a warning\n")]),
        new_code_cell("display(HTML(...))", execution_count=2, outputs=[
            new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>",
                                             "text/plain": "<table>"}),
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            new_output("display_data", data={"text/markdown": "**bold**"})]),
        new_code_cell("42", execution_count=3, outputs=[
            new_output("execute_result", data={"text/plain": "42"}, execution_count=3)]),
    ])
    notebook.metadata["title"] = "A title"
    templates = str(resources.files("iro_stats.report").joinpath("assets", "nbconvert"))
    options = dict(exclude_input_prompt=True, exclude_output_prompt=True,
                   extra_template_basedirs=[templates], template_name="offline")
    ours = _exporter()(**options).from_notebook_node(nbformat.from_dict(notebook))[0]
    theirs = HTMLExporter(**options).from_notebook_node(nbformat.from_dict(notebook))[0]
    assert ours != theirs                                   # not serialised by BeautifulSoup
    assert 'tabindex="0"' in ours and "No description has been provided" in ours
    assert BeautifulSoup(ours, "html.parser") == BeautifulSoup(theirs, "html.parser")
