"""What the notebooks show: the pipeline's outputs, displayed as the report lays them out.

Each function reads a file the workflow wrote and displays it; none recomputes a statistic.
Tables are shown with the report's labels, rounded, without pandas' index; figures with their
title as alt text; each table and figure under an anchor of its id (``chapter3.html#t3_2``).
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

BANNER = {
    "synthetic": "Synthetic data: every number below comes from extracts the pipeline generated "
                 "to fit the report's printed values. A match shows the path from extract to "
                 "number, not that the report's numbers are true.",
    "spss": "Survey exports: the numbers below come from the real survey data; counts below the "
            "disclosure threshold are suppressed.",
}
# the reproduction CSV's columns as a reader names them
COLUMNS = {"source": "Source", "label": "Value", "published": "Printed",
           "reproduced": "Reproduced", "base_n_published": "Base N printed",
           "base_n_reproduced": "Base N reproduced", "status": "Verdict", "note": "Reason"}

CHAPTER_SOURCES = ("Table {c}.", "Figure {c}.", "Section {c}", "Footnote")


def setup(source: str) -> None:
    """Every notebook's first cell: pandas' display options (full reasons, no truncation) and
    a banner saying which data made the numbers."""
    from IPython.display import HTML, display

    pd.set_option("display.max_rows", 600)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 160)
    style = "background:#fff8c5;border-left:6px solid #9a6700" if source == "synthetic" else (
        "background:#dafbe1;border-left:6px solid #1a7f37")
    display(HTML(f'<p role="note" style="{style};padding:.5rem .8rem">'
                 f"<b>Data:</b> {html.escape(BANNER.get(source, source))}</p>"))


def show_frame(frame: pd.DataFrame, decimals: int | dict = 2, columns: dict | None = None):
    """A frame as a reader's table: named columns, numbers rounded, no index."""
    from IPython.display import HTML

    shown = frame.rename(columns=columns or {}).round(decimals)
    return HTML(shown.to_html(index=False, na_rep="", border=0, escape=True,
                              float_format=lambda v: f"{v:,.{decimals}f}"
                              if isinstance(decimals, int) else f"{v:g}"))


def ledger_summary(ledger: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """Rows of the ledger counted by extract, status and reason. Under disclosure control
    (``threshold``) a count from 1 to below it reads 'fewer than <threshold>' (the ledger counts
    respondents), and while an extract's hidden counts add up to less than the threshold, its
    smallest shown count is withheld too: the extract's total (its published N) minus the shown
    counts gives their sum."""
    counts = ledger.groupby(["dataset", "status", "reason"]).size().rename("rows").reset_index()
    if threshold is None:
        return counts
    small = counts["rows"].between(1, threshold - 1)
    complement = pd.Series(False, index=counts.index)
    for _, rows in counts.groupby("dataset"):
        hidden = small[rows.index]
        while 0 < rows.loc[hidden | complement[rows.index], "rows"].sum() < threshold \
                and not (hidden | complement[rows.index]).all():
            complement[rows.loc[~(hidden | complement[rows.index]), "rows"].idxmin()] = True
    counts["rows"] = counts["rows"].astype(object)
    counts.loc[small, "rows"] = f"fewer than {threshold}"
    counts.loc[complement, "rows"] = "withheld (it would reveal a small count)"
    return counts


def validation_text(text: str, threshold: int | None) -> str:
    """The validation report for the notebook: whole on synthetic data; under disclosure control
    only a pointer to it, since it names rows by respondent id and quotes their values."""
    if threshold is None:
        return text
    return ("The validation report names rows by respondent id and quotes their values, so "
            "with real extracts it is for the analyst only and not shown here: read "
            "audit/validation.txt in the results folder.")


def show_page(path: Path) -> None:
    """The body of an HTML page the workflow wrote (its styles kept), inside the notebook."""
    from IPython.display import HTML, display

    page = Path(path).read_text(encoding="utf-8")
    style = "".join(re.findall(r"<style>.*?</style>", page.split("<body>")[0], re.DOTALL))
    body = re.search(r"<body>(.*)</body>", page, re.DOTALL)
    display(HTML(style + (body.group(1) if body else page)))


def show_table(results: Path, table_id: str) -> None:
    """A table as the report lays it out (with its base line), under its id."""
    show_page(Path(results) / "tables" / f"{table_id}.html")


def show_figure(figures: Path, figure_id: str) -> None:
    """A figure (PNG, embedded) under its id, its title and base line as alt text."""
    from IPython.display import HTML, display
    from PIL import Image

    path = Path(figures) / f"{figure_id}.png"
    with Image.open(path) as image:
        alt = " ".join(filter(None, (image.text.get("Title"), image.text.get("Description"))))
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    display(HTML(f'<figure id="{figure_id}" style="margin:0"><img style="max-width:100%" '
                 f'alt="{html.escape(alt or figure_id)}" src="data:image/png;base64,{data}">'
                 "</figure>"))


def comparison(results: Path, chapter: int):
    """The chapter's published values beside the reproduced ones (rows of the reproduction
    CSV)."""
    table = pd.read_csv(Path(results) / "published_vs_reproduced.csv",
                        dtype={"base_n_published": str})
    prefixes = tuple(p.format(c=chapter) for p in CHAPTER_SOURCES[:3])
    return table[table["source"].astype(str).str.startswith(prefixes)].copy()


def show_comparison(rows: pd.DataFrame):
    """Rows of the reproduction CSV as a reader's table (see :func:`readable`)."""
    return show_frame(readable(rows), columns=COLUMNS)


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The reproduction CSV's rows for reading: reproduced numbers at the printed precision
    plus one digit (the printed precision is the CSV's decimals), bases as whole numbers."""
    from iro_stats.common.rounding import for_review

    out = table[list(COLUMNS)].copy().astype(object)
    for i, row in out.iterrows():
        places = int(table.at[i, "decimals"])
        try:   # a range, or nothing reproduced, stays as it is
            out.at[i, "published"] = f"{float(row['published']):.{places}f}"
        except (TypeError, ValueError):
            pass
        try:
            out.at[i, "reproduced"] = for_review(row["reproduced"], places)
        except (TypeError, ValueError):
            pass
        if pd.notna(row["base_n_reproduced"]):
            out.at[i, "base_n_reproduced"] = f"{int(row['base_n_reproduced'])}"
    return out.fillna("")


def status_counts(frame: pd.DataFrame):
    """How many values match, do not, or cannot be computed."""
    counts = frame["status"].value_counts().rename_axis("Verdict").reset_index(name="Values")
    return show_frame(counts)
