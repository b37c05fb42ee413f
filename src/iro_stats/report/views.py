"""What the notebooks show: the pipeline's outputs, displayed as the report lays them out.

Each function reads a file the workflow wrote and displays it; none recomputes a statistic.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

CHAPTER_SOURCES = ("Table {c}.", "Figure {c}.", "Section {c}", "Footnote")


def setup(source: str) -> None:
    """Every notebook's first cell: pandas' display options and the data source stated."""
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.width", 160)
    print(f"Data source: {source}")


def show_table(results: Path, table_id: str) -> None:
    """A table as the report lays it out (HTML, with its base line)."""
    from IPython.display import HTML, display

    display(HTML((Path(results) / "tables" / f"{table_id}.html").read_text(encoding="utf-8")))


def show_figure(figures: Path, figure_id: str) -> None:
    from IPython.display import Image, display

    display(Image(filename=str(Path(figures) / f"{figure_id}.png")))


def comparison(results: Path, chapter: int) -> pd.DataFrame:
    """The chapter's published values beside the reproduced ones (from the reproduction CSV)."""
    table = pd.read_csv(Path(results) / "published_vs_reproduced.csv")
    prefixes = tuple(p.format(c=chapter) for p in CHAPTER_SOURCES[:3])
    mine = table[table["source"].astype(str).str.startswith(prefixes)]
    return mine[["id", "published", "reproduced", "base_n_published", "base_n_reproduced",
                 "status", "note"]]


def status_counts(frame: pd.DataFrame) -> pd.Series:
    return frame["status"].value_counts()
