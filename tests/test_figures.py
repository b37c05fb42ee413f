"""Figures: every chart type is drawn from a layout's cells as PNG and SVG, without dates or
software versions, in the shared style (byte-identical across processes: every figure of the
workflow against its recorded checksum, test_workflow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iro_stats.render import figures
from iro_stats.stats import tables

CODEBOOK = {"scales": {"agree": {1: "Disagree", 2: "Neither", 3: "Agree"}},
            "datasets": {"iro": {"variables": [{"name": "x", "values": "agree", "label": "X"},
                                               {"name": "y", "values": "agree", "label": "Y"}]}}}
LAYOUTS = {
    "stacked": {"dataset": "iro", "rows": "codes", "scale": "agree",
                "columns": [{"key": "x", "label": "X group", "var": "x"},
                            {"key": "y", "label": "Y group", "var": "y"}],
                "chart": {"type": "stacked", "axis": "Per cent"}},
    "bars": {"dataset": "iro", "var": "x", "rows": "codes", "chart": {"type": "bars"}},
    "grouped": {"dataset": "iro", "rows": "codes", "scale": "agree",
                "columns": [{"key": "x", "var": "x"}, {"key": "y", "var": "y"}],
                "chart": {"type": "bars", "axis": "Per cent"}},
    "means": {"dataset": "iro", "statistic": "mean",
              "rows": [{"key": "x", "var": "x", "label": "Mean X"},
                       {"key": "y", "var": "y", "label": "Mean Y"}],
              "chart": {"type": "means", "reference": {"value": 2, "label": "midpoint"}}},
}


def _cells(kind):
    frame = pd.DataFrame({"x": [1, 2, 3, 3, np.nan, 2], "y": [3, 3, 3, 1, 2, 2]})
    published = pd.DataFrame(columns=["id", "block", "statistic", "decimals", "label"])
    ctx = tables.Context({"iro": frame}, CODEBOOK, published, {}, {}, {})
    layout = {"source": "Figure 9.9", "title": f"A {kind} chart", "units": {"iro": "IROs"},
              **LAYOUTS[kind]}
    cells = tables.grid_cells(kind, layout, ctx).assign(published_id=None, status=None)
    return layout, cells


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_each_chart_type_is_written_as_png_and_svg(kind, tmp_path):
    layout, cells = _cells(kind)
    base = tables.base_line(cells, layout)
    figures.draw(kind, layout, cells, base, tmp_path / "f.png", tmp_path / "f.svg")
    png, svg = (tmp_path / "f.png").read_bytes(), (tmp_path / "f.svg").read_text()
    assert png.startswith(b"\x89PNG") and b"Matplotlib" not in png
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert f"A {kind} chart" in svg and "N=" in svg          # title and base line as text


def test_palette_is_colour_blind_safe():
    assert figures.OKABE_ITO[:2] == ["#0072B2", "#E69F00"]
    assert all(c in figures.OKABE_ITO + ["#BBBBBB"] for c in figures.ORDERED[5])


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_on_synthetic_data_the_unpublished_bars_are_marked_and_the_footer_says_so(kind,
                                                                                  tmp_path):
    """A bar or point no published value checks is drawn faint (hatched bars, open points) with
    the legend entry "not published: synthetic", and the footer names synthetic data; on real
    data neither."""
    layout, cells = _cells(kind)
    checked = cells.index[0]
    cells.loc[checked, "published_id"] = "f9_9.first"
    base = tables.base_line(cells, layout)
    drawn = {}
    for source in ("synthetic", "spss"):
        figures.draw(kind, layout, cells, base, tmp_path / "f.png", tmp_path / f"{source}.svg",
                     source)
        drawn[source] = (tmp_path / f"{source}.svg").read_text()
    assert figures.UNCHECKED_LABEL in drawn["synthetic"]
    assert "Synthetic data" in drawn["synthetic"]
    assert figures.UNCHECKED_LABEL not in drawn["spss"] and "Synthetic data" not in drawn["spss"]
    if kind != "means":
        assert "<pattern" in drawn["synthetic"]               # the hatch
        assert "<pattern" not in drawn["spss"]
