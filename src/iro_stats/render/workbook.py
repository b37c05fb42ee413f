"""Every table of the report in one workbook for analysts, from the tables' CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iro_stats.common.atomic import atomic_path
from iro_stats.common.errors import IroStatsError


def write_workbook(path: str | Path, built: dict[str, tuple[dict, pd.DataFrame, str]]) -> None:
    """Every table in one workbook: a contents sheet, then one sheet of cells per table."""
    contents = pd.DataFrame([
        {"sheet": tid, "source": layout["source"], "title": layout["title"], "base": base,
         "cells": len(cells), "published_values": int(cells["published_id"].notna().sum()),
         "matching": int((cells["status"] == "match").sum())}
        for tid, (layout, cells, base) in built.items()])
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        contents.to_excel(writer, sheet_name="contents", index=False)
        for tid, (_, cells, _) in built.items():
            cells.to_excel(writer, sheet_name=tid[:31], index=False)


def write_from_csv(tables_dir, layout_paths, units_path, published_path, path) -> str:
    """Every table's CSV (as :func:`iro_stats.render.table_html.write_tables` wrote it) in one
    workbook at ``path``; returns the tables' summary."""
    from iro_stats.reference.loaders import load_published
    from iro_stats.stats.tables import base_line, load_layouts, summary, with_titles

    layouts = with_titles(load_layouts(layout_paths, "tables", units_path),
                          load_published(published_path))
    built = {}
    for tid, layout in layouts.items():
        csv = Path(tables_dir) / f"{tid}.csv"
        if not csv.is_file():
            raise IroStatsError(f"{csv}: not found (run the tables command for {tid} first)")
        cells = pd.read_csv(csv).assign(where=lambda c: c["where"].fillna(""))
        built[tid] = (layout, cells, base_line(cells, layout))
    write_workbook(path, built)
    return summary(built)
