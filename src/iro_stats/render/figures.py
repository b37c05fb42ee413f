"""The report's figures, drawn from the cells of their layouts (``specs/figures.yaml``) in one style.

The cells come from :func:`iro_stats.stats.tables.build`, the tables' engine; this module only draws.
Chart types: ``bars`` (a distribution or a comparison of groups; grouped bars when there are
several rows and columns), ``stacked`` (one 100% bar per group, a segment per code of an ordered
scale) and ``means`` (a point per item with its 95% t interval). The style: the Okabe-Ito
colour-blind-safe palette (ordered scales run from vermillion through grey to blue), the
report's figure number and title on top, a labelled value axis, every value printed as the
report would round it, and the base line ("N=294 IROs") beneath.

Files are byte-stable: fixed ``svg.hashsalt``, no date or software version in the metadata.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from iro_stats.render.figure_files import save_png_and_svg

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
# Ordered scales, low to high: vermillion, orange, grey, sky blue, blue (and the 4-point subset).
ORDERED = {2: ["#D55E00", "#0072B2"], 3: ["#D55E00", "#BBBBBB", "#0072B2"],
           4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
           5: ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]}
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 8.5, "axes.titlesize": 9.5,
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#444444",
    "axes.labelcolor": "#222222", "xtick.color": "#222222", "ytick.color": "#222222",
    "svg.hashsalt": "iro-stats", "svg.fonttype": "none", "figure.dpi": 100,
}
WIDTH = 6.3           # inches: the report's text width
PNG_DPI = 150


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) if text else ""


def _labels(cells: pd.DataFrame, by: str) -> list[tuple[str, str]]:
    first = cells.drop_duplicates(by)
    return list(zip(first[by], first[f"{by}_label"], strict=True))


def _value_text(cell: pd.Series) -> str:
    if pd.notna(cell.get("suppression")) and cell.get("suppression"):
        return "suppressed"
    if cell["display"] in ("", None) or pd.isna(cell["display"]):
        return "n/a"
    return f"{cell['display']}%" if cell["statistic"] == "percent" else f"{cell['display']}"


# Bars no published value checks, on synthetic data: lighter and hatched, with a legend entry, so
# that nobody takes a filled-in category for a finding.
UNCHECKED = {"alpha": 0.35, "hatch": "///"}
UNCHECKED_LABEL = "not published: synthetic"
SYNTHETIC_NOTE = ("Synthetic data made by iro-stats to reproduce the report's printed numbers, not "
                  "the survey's answers")


def _unchecked(cell: pd.Series, chart: dict) -> bool:
    return bool(chart.get("_synthetic")) and pd.isna(cell.get("published_id"))


def _unchecked_legend(ax, drawn: bool, handles=None) -> None:
    """The legend entry of the unchecked bars, beside the chart's own entries."""
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels() if handles is None else handles
    if drawn:
        handles = [*handles, Patch(facecolor="#888888", edgecolor="#333333", **UNCHECKED)]
        labels = [*labels, UNCHECKED_LABEL]
    if handles:
        ax.legend(handles, labels, loc="best", frameon=False, fontsize=7.5)


def _bars(ax, cells: pd.DataFrame, chart: dict) -> None:
    rows, columns = _labels(cells, "row"), _labels(cells, "column")
    if len(columns) == 1 or len(rows) == 1:
        axis_of = "row" if len(columns) == 1 else "column"
        categories = rows if axis_of == "row" else columns
        series = [(None, None)]
    else:
        axis_of, categories, series = "row", rows, columns
    height = 0.8 / len(series)
    top = 0.0
    for s, (skey, slabel) in enumerate(series):
        for i, (ckey, _) in enumerate(categories):
            chosen = cells[cells[axis_of] == ckey]
            if skey is not None:
                chosen = chosen[chosen["column"] == skey]
            cell = chosen.iloc[0]
            y = i + (s - (len(series) - 1) / 2) * height
            value = cell["value"] if pd.notna(cell["value"]) else 0.0
            colour = OKABE_ITO[s % len(OKABE_ITO)]
            faint = _unchecked(cell, chart)
            ax.barh(y, value, height=height * 0.92, color=colour, edgecolor="#333333" if faint
                    else colour, linewidth=0.4, **(UNCHECKED if faint else {}),
                    label=slabel if i == 0 and skey is not None else None)
            ax.text(value, y, f" {_value_text(cell)}", va="center", ha="left", fontsize=7.5)
            top = max(top, value)
    ax.set_yticks(range(len(categories)), [_wrap(label, 38) for _, label in categories])
    ax.invert_yaxis()
    percent = (cells["statistic"] == "percent").all()
    ax.set_xlim(0, 100 if percent and top <= 90 else max(top * 1.15, 1) if not percent else 110)
    _unchecked_legend(ax, chart["_unchecked"])


def _stacked(ax, cells: pd.DataFrame, chart: dict) -> None:
    rows, columns = _labels(cells, "row"), _labels(cells, "column")
    colours = ORDERED.get(len(rows), OKABE_ITO)
    for i, (ckey, _) in enumerate(columns):
        left = 0.0
        for r, (rkey, rlabel) in enumerate(rows):
            cell = cells[(cells["column"] == ckey) & (cells["row"] == rkey)].iloc[0]
            value = cell["value"] if pd.notna(cell["value"]) else 0.0
            faint = _unchecked(cell, chart)
            ax.barh(i, value, left=left, height=0.6, color=colours[r % len(colours)],
                    edgecolor="#555555" if faint else "white", linewidth=0.6,
                    **(UNCHECKED if faint else {}), label=rlabel if i == 0 else None)
            if value >= 5:
                dark = colours[r % len(colours)] in ("#0072B2", "#D55E00") and not faint
                ax.text(left + value / 2, i, cell["display"], ha="center", va="center",
                        fontsize=7.5, color="white" if dark else "black")
            left += value
    ax.set_yticks(range(len(columns)), [_wrap(label, 24) for _, label in columns])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)


def _means(ax, cells: pd.DataFrame, chart: dict) -> None:
    rows, columns = _labels(cells, "row"), _labels(cells, "column")
    axis_of, categories = ("row", rows) if len(rows) > 1 else ("column", columns)
    high = 0.0
    for i, (key, _) in enumerate(categories):
        cell = cells[cells[axis_of] == key].iloc[0]
        if pd.isna(cell["value"]):
            continue
        low_ci, high_ci = cell["ci_low"], cell["ci_high"]
        err = [[cell["value"] - low_ci], [high_ci - cell["value"]]] if pd.notna(low_ci) else None
        faint = _unchecked(cell, chart)
        ax.errorbar(cell["value"], i, xerr=err, fmt="o", color=OKABE_ITO[0], ecolor="#555555",
                    elinewidth=1, capsize=3, markersize=5,
                    markerfacecolor="white" if faint else OKABE_ITO[0])
        ax.text(high_ci if pd.notna(high_ci) else cell["value"], i, f"  {cell['display']}",
                va="center", ha="left", fontsize=7.5)
        high = max(high, high_ci if pd.notna(high_ci) else cell["value"])
    reference = chart.get("reference")
    if reference:
        ax.axvline(reference["value"], color=OKABE_ITO[5], linestyle="--", linewidth=1,
                   label=reference["label"])
        high = max(high, reference["value"])
    ax.set_yticks(range(len(categories)), [_wrap(label, 38) for _, label in categories])
    ax.invert_yaxis()
    low, top = chart.get("limits", (0, math.ceil(high * 1.15)))
    ax.set_xlim(low, top)


CHARTS = {"bars": _bars, "stacked": _stacked, "means": _means}


def _categories(plotted: pd.DataFrame, kind: str) -> int:
    """How many bars (or points) the chart draws, for its height."""
    rows, columns = plotted["row"].nunique(), plotted["column"].nunique()
    if kind == "stacked":
        return columns
    if rows == 1 or columns == 1:
        return max(rows, columns)
    return rows * columns if kind == "bars" else rows


def draw(figure_id: str, layout: dict, cells: pd.DataFrame, base: str,
         png: str | Path, svg: str | Path, source: str = "synthetic") -> None:
    """Draw one figure from its cells (plotted rows only) and write it as PNG and SVG. On
    synthetic data the footer says so, and the bars no published value checks are drawn
    faint and hatched (legend: "not published: synthetic")."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plotted = cells[cells["plotted"].astype(bool)]
    synthetic = source == "synthetic"
    chart = {**layout["chart"], "_synthetic": synthetic,
             "_unchecked": synthetic and bool(plotted["published_id"].isna().any())}
    title = _wrap(f"{layout['source']} {layout['title']}", 72)
    if source == "synthetic":
        base = f"{base.rstrip('.')}. {SYNTHETIC_NOTE}."
    base = _wrap(base, 110)
    legend_below = chart["type"] == "stacked" or bool(chart.get("reference"))
    top_in = 0.2 + 0.19 * (title.count("\n") + 1)
    bottom_in = 0.15 + 0.14 * (base.count("\n") + 1)
    legend_in = 0.3 if legend_below else 0.0
    long_labels = sum(len(str(label)) > 38 for label in set(plotted["row_label"])
                      | set(plotted["column_label"]))
    axes_in = 0.3 * _categories(plotted, chart["type"]) + 0.12 * long_labels + 0.75
    height = top_in + axes_in + legend_in + bottom_in
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, height))
        CHARTS[chart["type"]](ax, plotted, chart)
        ax.set_xlabel(chart.get("axis", ""))
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
        ax.set_axisbelow(True)
        fig.text(0.01, 1 - 0.1 / height, title, fontsize=9.5, fontweight="bold", va="top")
        fig.text(0.01, 0.08 / height, base, fontsize=7.5, color="#333333", va="bottom")
        if legend_below:   # in figure coordinates, between the axis label and the base line
            handles, labels = ax.get_legend_handles_labels()
            if chart["_unchecked"]:
                from matplotlib.patches import Patch

                handles.append(Patch(facecolor="#888888", **UNCHECKED))
                labels.append(UNCHECKED_LABEL)
            fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5),
                       bbox_to_anchor=(0.5, bottom_in / height), frameon=False, fontsize=7.5,
                       handlelength=1.2, columnspacing=1.0)
        elif chart["_unchecked"] and chart["type"] == "means":
            _unchecked_legend(ax, False, ([ax.plot([], [], "o", color=OKABE_ITO[0],
                                                   markerfacecolor="white")[0]],
                                          [UNCHECKED_LABEL]))
        # the title and base line in the PNG, read back as the figure's alt text (notebooks)
        save_png_and_svg(
            fig, (0, (bottom_in + legend_in) / height, 1, 1 - top_in / height), png, svg,
            dpi=PNG_DPI, png_metadata={"Software": None,
                                       "Title": f"{layout['source']} {layout['title']}",
                                       "Description": base.replace("\n", " ")},
            svg_metadata={"Date": None, "Creator": None})
        plt.close(fig)


def write_figures(built: dict[str, tuple[dict, pd.DataFrame, str]], outdir, data_outdir,
                  source: str = "synthetic") -> str:
    """Each built figure drawn as ``<outdir>/<id>.png`` and ``.svg``, its cells as
    ``<data_outdir>/<id>.csv``; ``source``: what data made them (synthetic or spss)."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.stats.tables import summary

    for fid, (layout, cells, base) in built.items():
        write_csv(Path(data_outdir) / f"{fid}.csv", cells)
        draw(fid, layout, cells, base, Path(outdir) / f"{fid}.png", Path(outdir) / f"{fid}.svg",
             source)
    return summary(built)
