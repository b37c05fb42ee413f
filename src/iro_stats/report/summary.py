"""The few lines a run ends with in the terminal: what was compared, what matched, and the
file to open first. Standard library only (it runs in Snakemake's own process)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path


def terminal_summary(results: str | Path, source: str) -> str:
    """The summary of ``results/published_vs_reproduced.csv`` ('' if the run did not write it)."""
    table = Path(results) / "published_vs_reproduced.csv"
    if not table.is_file():
        return ""
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    status = Counter(row["status"] for row in rows)
    own = sum(row["status"] == "mismatch" and row["note"].startswith("report inconsistency")
              for row in rows)
    other = status["mismatch"] - own
    whose = (f"all {own} are" if own == status["mismatch"]
             else f"{own} {'is' if own == 1 else 'are'}")
    rest = f", {other} need explaining" if other else ""
    data = ("synthetic extracts (a match shows the pipeline's path, not the report's truth)"
            if source == "synthetic" else "the survey exports")
    lines = [
        f"iro-stats: {len(rows)} published values compared, on {data}:",
        f"  {status['match']} match, {status['mismatch']} do not ({whose} the report's own "
        f"inconsistencies{rest}), {status['not_computable']} cannot be computed from any "
        "extract.",
        f"  Open first: {Path(results) / 'reproduction_report.html'}"
        f" (then {Path(results) / 'notebooks' / 'overview.html'})",
    ]
    return "\n".join(lines)
