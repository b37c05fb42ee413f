"""Every table of the report in one workbook for people, from the tables' CSVs.

A contents sheet (what data made the numbers, one line per table with a link to its sheet),
then each table laid out as the report prints it: its title, the report's row and column labels,
the values at the printed precision (laid out by :func:`iro_stats.render.table_html.wide`), its base line, and Tables A.1-A.3. Header rows are frozen
and columns sized to their labels. The cells' internal columns (exact values, intervals,
variables, published ids) stay in the CSVs, which each sheet names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iro_stats.common.atomic import atomic_path
from iro_stats.common.errors import IroStatsError

DATA = {"synthetic": "Synthetic data: generated to fit the report's printed values; a number no "
                     "published value checks is a filler, not a finding.",
        "spss": "Survey exports (real data); counts below the disclosure threshold suppressed."}
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 4


def sheet_name(source: str, kind: str | None) -> str:
    """The report's name of a table as a sheet name: ``Table 3.5``, ``Chapter 3 text``."""
    name = f"{source} text" if kind == "text" else source
    return name.replace(":", "")[:31]


def _number(display: str):
    """A printed value as a number with its Excel format (``4`` -> 0, ``7.7`` -> 0.0)."""
    try:
        value = float(display)
    except (TypeError, ValueError):
        return display, None
    places = len(display.split(".")[1]) if "." in str(display) else 0
    return value, "0" if places == 0 else "0." + "0" * places


def _write_sheet(sheet, title: str, note: str, frame: pd.DataFrame, base: str | None,
                 csv: str | None) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=12)
    sheet.cell(NOTE_ROW, 1, note).font = Font(italic=True, color="7F6000")
    for j, column in enumerate(frame.columns, start=1):
        cell = sheet.cell(HEADER_ROW, j, str(column))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    for i, record in enumerate(frame.itertuples(index=False), start=HEADER_ROW + 1):
        for j, value in enumerate(record, start=1):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            value, fmt = _number(value) if j > 1 and isinstance(value, str) else (value, None)
            cell = sheet.cell(i, j, value)
            if fmt:
                cell.number_format = fmt
            if j == 1:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = HEADER_ROW + len(frame) + 2
    for line in filter(None, [base, csv and f"Exact values, bases and 95% intervals: {csv}"]):
        sheet.cell(last, 1, line).font = Font(size=9, color="444444")
        last += 1
    labels = [str(v) for v in frame.iloc[:, 0].tolist()] if len(frame.columns) else []
    sheet.column_dimensions["A"].width = min(70, max([12, *map(len, labels)]) + 2)
    for j, column in enumerate(frame.columns[1:], start=2):
        sheet.column_dimensions[get_column_letter(j)].width = min(30, max(10, len(str(column))
                                                                          // 2 + 4))
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2 if len(frame.columns) > 1 else 1)


def write_workbook(path: str | Path, built: dict[str, tuple[dict, pd.DataFrame, str]],
                   appendix: dict[str, tuple[str, pd.DataFrame]], source: str) -> None:
    """The workbook (see the module docstring): ``built`` the tables (layout, cells, base
    line), ``appendix`` Tables A.1-A.3 (title, frame with the report's labels, note)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    from iro_stats.render.table_html import wide

    note = DATA.get(source, source)
    book = Workbook()
    contents = book.active
    contents.title = "Contents"
    rows = [(sheet_name(layout["source"], layout.get("kind")), layout["source"], layout["title"],
             base, int(cells["published_id"].notna().sum()),
             int((cells["status"] == "match").sum()), f"tables/{tid}.csv")
            for tid, (layout, cells, base) in built.items()]
    rows += [(sheet_name(name, None), name, title, "", "", "", "")
             for name, (title, _, _) in appendix.items()]
    frame = pd.DataFrame(rows, columns=["Sheet", "Source", "Title", "Base", "Printed values",
                                        "Matching", "Cells (CSV, in results/)"])
    _write_sheet(contents, "The role of IROs in England (NCB, 2013): the report's tables, "
                 "reproduced by iro-stats", note, frame, None, None)
    for i, sheet in enumerate(frame["Sheet"], start=HEADER_ROW + 1):
        cell = contents.cell(i, 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1")
        cell.font = Font(color="0563C1", underline="single")
    contents.column_dimensions["C"].width = 70
    for tid, (layout, cells, base) in built.items():
        sheet = book.create_sheet(sheet_name(layout["source"], layout.get("kind")))
        _write_sheet(sheet, f"{layout['source']} {layout['title']}", note,
                     wide(cells, layout), base, f"results/tables/{tid}.csv")
    for name, (title, table, base) in appendix.items():
        _write_sheet(book.create_sheet(sheet_name(name, None)), f"{name} {title}", note, table,
                     base, None)
    with atomic_path(path) as tmp:
        book.save(tmp)


def _printed(value) -> str:
    """A count or percentage of Tables A.1-A.2 as printed (whole numbers, half up), '*' where
    disclosure control blanked it."""
    from fractions import Fraction

    from iro_stats.common.rounding import round_half_up

    return "*" if pd.isna(value) else str(round_half_up(Fraction(repr(float(value))), 0))


def appendix_tables(published: pd.DataFrame, table_a1, table_a2, table_a3,
                    models: dict) -> dict[str, tuple[str, pd.DataFrame, str]]:
    """Tables A.1 and A.2 (authorities and responses by type and by Ofsted rating) and A.3
    (the final models' betas, * p < 0.05) with the report's labels, from their CSVs."""
    labels = published.set_index("id")["label"]
    titles = published.drop_duplicates("block").set_index("block")["title"]
    out = {}
    for block, path in (("ta_1", table_a1), ("ta_2", table_a2)):
        frame = pd.read_csv(path)
        names = [labels.get(f"{block}.{row}_las", row).split(":")[0] for row in frame["row"]]
        out[f"Table A.{block[-1]}"] = (titles[block], pd.DataFrame({
            "": names, "Local authorities": frame["las"].map(_printed),
            "Responding": frame["responses"].map(_printed),
            "Responding (%)": frame["responses_pct"].map(_printed)}),
            "Authorities with at least one response to any of the three surveys; "
            "* suppressed (disclosure control)")
    a3 = pd.read_csv(table_a3, dtype=str).fillna("")
    columns = {m: f"Model {m[-1].upper()}: {spec['label']}" for m, spec in models.items()}
    out["Table A.3"] = (titles["ta_3"], a3.drop(columns="term").rename(
        columns={"label": "", **columns}), "Standardised betas of the final models (OLS, "
        "backward elimination); * p < 0.05; blank: not in the final model")
    return out


def write_from_csv(tables_dir, layout_paths, units_path, published_path, path,
                   appendix_paths: dict | None = None, source: str = "synthetic") -> str:
    """Every table's CSV (as :func:`iro_stats.render.table_html.write_tables` wrote it) in one
    workbook at ``path``, with Tables A.1-A.3 from ``appendix_paths`` (``table_a1``,
    ``table_a2``, ``table_a3``, ``models``: the models' spec); returns the tables' summary."""
    from iro_stats.reference.loaders import load_published, parse_yaml
    from iro_stats.stats.tables import base_line, load_layouts, summary, with_titles

    published = load_published(published_path)
    layouts = with_titles(load_layouts(layout_paths, "tables", units_path), published)
    built = {}
    for tid, layout in layouts.items():
        csv = Path(tables_dir) / f"{tid}.csv"
        if not csv.is_file():
            raise IroStatsError(f"{csv}: not found (run the tables command for {tid} first)")
        cells = pd.read_csv(csv, dtype={"display": str}).assign(
            where=lambda c: c["where"].fillna(""))
        built[tid] = (layout, cells, base_line(cells, layout))
    appendix = {}
    if appendix_paths:
        models = parse_yaml(Path(appendix_paths["models"]).read_text(encoding="utf-8"))["models"]
        appendix = appendix_tables(published, appendix_paths["table_a1"],
                                   appendix_paths["table_a2"], appendix_paths["table_a3"],
                                   models)
    write_workbook(path, built, appendix, source)
    return summary(built)
