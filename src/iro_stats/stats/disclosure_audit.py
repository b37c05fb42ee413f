"""The disclosure audit of a run with disclosure control on: every published statistics file
scanned, independently of the suppression that wrote it, for a respondent count below the
threshold that is shown or can be derived.

Scanned: the tables' and figures' cells (``tables/*.csv``, ``figures/*.csv``), the comparison
(``published_vs_reproduced.csv``), the LA-level statistics, Tables A.1-A.2 and Appendix B's
checks beyond the report (``models/robustness.csv``, ``bootstrap.csv``, ``sensitivity.csv``,
``verdicts.csv``: their columns of respondent counts, ``MODEL_COUNTS``, such as the IROs that
identify a term). A finding is:

- **count**: a shown count of 1 .. threshold-1 (a percentage's count is value x base / 100);
- **small base**: a shown statistic on a base of 1 .. threshold-1;
- **complement**: a stand-alone cell (not part of a distribution) whose base minus its count is
  1 .. threshold-1;
- **derivable**: the only hidden cell of a distribution whose other cells and base are shown.

Tables A.1-A.2 count authorities, which are public: only the responding authorities of a type
or rating are audited (a count of 1 .. threshold-1 would point at the respondents of one or two
named authorities), not the non-responding complement. The HTML pages, notebooks and workbook
render these files and are not scanned again.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iro_stats.common.errors import IroStatsError

COLUMNS = ["file", "row", "column", "problem", "value"]
SKIP = {"table_a1.csv", "table_a2.csv", "la_statistics.csv"}
MODEL_FILES = ("models/robustness.csv", "models/bootstrap.csv", "models/sensitivity.csv",
               "models/verdicts.csv")
MODEL_COUNTS = ("n", "n_iro")   # respondents (IROs): a model's sample, those identifying a term


class DisclosureError(IroStatsError):
    """A published output shows or reveals a count below the threshold."""


def _small(value, threshold: int) -> bool:
    return pd.notna(value) and 1 <= float(value) < threshold


def _judge(count, base, stands_alone: bool, threshold: int) -> tuple[str, float] | None:
    if _small(count, threshold):
        return "count", count
    if _small(base, threshold):
        return "small base", base
    if stands_alone and pd.notna(count) and pd.notna(base) and _small(base - count, threshold):
        return "complement", base - count
    return None


def audit_cells(cells: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in one file of cells (``count, base_n, statistic, additive, suppression``)."""
    marks = cells["suppression"] if "suppression" in cells else pd.Series("", index=cells.index)
    hidden = marks.astype(object).fillna("").astype(str) != ""
    additive = cells["additive"].astype(str) == "True"
    found = []
    for i, cell in cells[~hidden].iterrows():
        counted = cell["statistic"] in ("percent", "count")
        verdict = _judge(cell["count"] if counted else None, cell["base_n"],
                         counted and not additive[i], threshold)
        if verdict:
            found.append((name, cell["row"], cell["column"], *verdict))
    for (column, _), group in cells[additive].groupby(["column", "base_n"], dropna=True):
        gone = group[hidden[group.index]]
        if len(gone) == 1 and (~hidden[group.index]).any():
            found.append((name, gone.iloc[0]["row"], column,
                          "derivable: the base minus the distribution's shown cells", None))
    return found


def audit_values(table: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in a table of measured values (``statistic, reproduced, base_n_reproduced``)."""
    found = []
    hidden = table.get("suppression", pd.Series("", index=table.index)).astype(object)
    hidden = hidden.fillna("").astype(str) != ""
    if "note" in table:
        hidden |= table["note"].fillna("").astype(str).str.startswith("suppressed")
    for _, row in table[~hidden].iterrows():
        value = pd.to_numeric(row["reproduced"], errors="coerce")
        base = pd.to_numeric(row["base_n_reproduced"], errors="coerce")
        if pd.isna(value):
            continue
        count = value if row["statistic"] == "count" else (
            round(value * base / 100) if row["statistic"] == "percent" and pd.notna(base)
            else None)
        verdict = _judge(count, base, count is not None, threshold)
        if verdict:
            found.append((name, row["id"], "reproduced", *verdict))
    return found


def audit_models(table: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in one of Appendix B's check files: a respondent count (``MODEL_COUNTS``) of
    1 .. threshold-1, its row named by model, term and check (or published id)."""
    found = []
    for column in (c for c in MODEL_COUNTS if c in table):
        counts = pd.to_numeric(table[column], errors="coerce")
        for i in counts.index[counts.map(lambda v: _small(v, threshold))]:
            row = table.loc[i]
            where = " ".join(str(row[c]) for c in ("model", "term", "check")
                             if c in table and pd.notna(row[c]))
            found.append((name, where or str(i), column, "count", float(counts[i])))
    return found


def audit(results: str | Path, threshold: int) -> pd.DataFrame:
    """Every finding in the published files of ``results`` (see the module docstring)."""
    results = Path(results)
    found = []
    for path in sorted((results / "tables").glob("*.csv")) + sorted(
            (results / "figures").glob("*.csv")):
        if path.name not in SKIP:
            cells = pd.read_csv(path)
            if {"count", "base_n", "additive"} <= set(cells.columns):
                found += audit_cells(cells, str(path.relative_to(results)), threshold)
    for name in ("published_vs_reproduced.csv", "tables/la_statistics.csv"):
        if (results / name).is_file():
            found += audit_values(pd.read_csv(results / name), name, threshold)
    for name in ("tables/table_a1.csv", "tables/table_a2.csv"):
        if (results / name).is_file():
            for _, row in pd.read_csv(results / name).iterrows():
                if _small(row["responses"], threshold):
                    found.append((name, row["row"], "responses", "count", row["responses"]))
    for name in MODEL_FILES:
        if (results / name).is_file():
            found += audit_models(pd.read_csv(results / name), name, threshold)
    return pd.DataFrame(found, columns=COLUMNS)


def write_audit(results, threshold: int, out) -> str:
    """The audit written to ``out``; raises :class:`DisclosureError` naming every finding."""
    from iro_stats.common.atomic import write_text

    findings = audit(results, threshold)
    if len(findings):
        lines = [f"  {f.file}: row {f.row}, {f.column}: {f.problem}"
                 + (f" ({f.value:g})" if pd.notna(f.value) else "")
                 for f in findings.itertuples()]
        raise DisclosureError(f"{len(findings)} published cell(s) show or reveal a count below "
                              f"the disclosure threshold of {threshold}:\n" + "\n".join(lines))
    summary = (f"disclosure audit: no published count below {threshold} is shown or derivable "
               "(tables' and figures' cells, the comparison, LA statistics, Tables A.1-A.2, "
               "Appendix B's checks)")
    write_text(out, summary + "\n")
    return summary
