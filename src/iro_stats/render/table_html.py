"""The tables laid out like the report's: HTML (great_tables) and one workbook for analysts.

A grid is shown as the report prints it (rows of the question's categories or items, a column per
group or answer, the rounded value in each cell) with its title on top and the base line ("N=295
IROs") under it; a cell whose value differs from the published one is marked with a dagger, and on
synthetic data a cell no published value checks with a double dagger (a filler, not a finding). The
in-text statistics are a list: each statistic, its value, base N, the published value and the
comparison's status. The exact values, counts, intervals and published ids are in the CSV and
the workbook, never only in the HTML.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iro_stats.common.atomic import write_text

DAGGER = "\u2020"
MISMATCH_NOTE = (f"{DAGGER} differs from the value the report prints (see the CSV: published value, "
                 "status; the report's own inconsistencies are listed in "
                 "data/reference/report_inconsistencies.yaml).")


DOUBLE_DAGGER = "\u2021"
SYNTHETIC_NOTE = ("Synthetic data made by iro-stats to reproduce the report's printed numbers, not "
                  f"the survey's answers; {DOUBLE_DAGGER} not published: a synthetic filler that "
                  "no printed value checks.")


def _shown(cell: pd.Series, synthetic: bool = False) -> str:
    if cell.get("suppression"):
        return "*"
    text = "" if pd.isna(cell["display"]) else str(cell["display"])
    if cell.get("status") == "mismatch":
        return f"{text}{DAGGER}"
    return f"{text}{DOUBLE_DAGGER}" if synthetic and text and pd.isna(cell.get("published_id")) \
        else text


def wide(cells: pd.DataFrame, layout: dict, synthetic: bool = False) -> pd.DataFrame:
    """The table as the report lays it out (strings, as printed; ``synthetic``: cells no
    published value checks marked)."""
    shown = cells.assign(shown=cells.apply(_shown, axis=1, synthetic=synthetic))
    if layout.get("kind") == "text":
        return pd.DataFrame({
            "Section": shown["column_label"], "Statistic": shown["row_label"],
            "Value": shown["shown"], "Base N": shown["base_n"].map(
                lambda n: "" if pd.isna(n) else str(int(n))),
            "Published": shown["published_value"].fillna(""),
            "Status": shown["status"].fillna("")})
    rows = list(dict.fromkeys(shown["row"]))
    columns = list(dict.fromkeys(shown["column"]))
    row_labels = shown.drop_duplicates("row").set_index("row")["row_label"]
    column_labels = shown.drop_duplicates("column").set_index("column")["column_label"]
    grid = shown.pivot(index="row", columns="column", values="shown").reindex(
        index=rows, columns=columns).fillna("")
    grid.columns = [column_labels[c] for c in columns]
    grid.insert(0, " ", [row_labels[r] for r in rows])
    return grid.reset_index(drop=True)


def html(table_id: str, layout: dict, cells: pd.DataFrame, base: str,
         source: str = "synthetic") -> str:
    """The table as an HTML fragment (great_tables), base line and notes under it (on
    synthetic data, that it is synthetic and which cells are fillers)."""
    from great_tables import GT

    synthetic = source == "synthetic"
    frame = wide(cells, layout, synthetic)
    text = layout.get("kind") == "text"
    table = GT(frame, rowname_col=None if text else " ",
               groupname_col="Section" if text else None, id=table_id)
    table = table.tab_header(title=f"{layout['source']} {layout['title']}")
    if base:
        table = table.tab_source_note(base)
    if (cells["status"] == "mismatch").any():
        table = table.tab_source_note(MISMATCH_NOTE)
    if "suppression" in cells and cells["suppression"].fillna("").astype(bool).any():
        table = table.tab_source_note("* suppressed: fewer than the disclosure threshold of "
                                      "respondents, or derivable from such a cell")
    if synthetic:
        table = table.tab_source_note(SYNTHETIC_NOTE)
    return table.as_raw_html()


def write_html(path: str | Path, table_id: str, layout: dict, cells: pd.DataFrame,
               base: str, source: str = "synthetic") -> None:
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{layout['source']}</title></head><body>\n"
            f"{html(table_id, layout, cells, base, source)}\n</body></html>\n")
    write_text(path, page)


def write_tables(built: dict[str, tuple[dict, pd.DataFrame, str]], outdir: str | Path,
                 source: str = "synthetic") -> str:
    """Each built table's cells as ``<outdir>/<id>.csv`` and its HTML as ``<id>.html``;
    ``source``: what data made them (synthetic or spss)."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.stats.tables import summary

    for tid, (layout, cells, base) in built.items():
        write_csv(Path(outdir) / f"{tid}.csv", cells)
        write_html(Path(outdir) / f"{tid}.html", tid, layout, cells, base, source)
    return summary(built)
