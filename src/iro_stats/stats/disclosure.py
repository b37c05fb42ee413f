"""Statistical disclosure control for outputs from real extracts: small counts are suppressed, and
so is every cell from which one could be derived by subtraction.

Cells are rows of a tidy frame with a respondent ``count`` and the ``base_n`` it is out of. A cell
is suppressed (its count, percentage and interval blanked, and marked, never dropped) when:

- **primary**: 1 <= count < threshold (no one, count 0, is shown);
- **complement**: the cell stands alone (a multi-response option, a yes/no item) and its base
  minus its count is 1 .. threshold-1, because the complement follows from the base;
- **small base**: the base itself is 1 .. threshold-1 (every cell of it);
- **secondary**: within a group of cells that add up to a shown base (a single-choice
  distribution), if exactly one cell is suppressed, or the suppressed cells add up to
  1 .. threshold-1, the smallest other non-zero cell is too, so that neither the suppressed count
  nor their sum (a published sum of categories) is the base minus the rest.

A suppressed cell's ``base_n`` stays shown (the number who answered), except where it equals the
hidden count (a count of rows is its own base).

The threshold comes from ``config.yaml`` (``disclosure.threshold``, default 5).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MARK = "suppressed"
# the reason of a cell hidden by the disclosure plan of every output (stats/disclosure_plan.py)
ACROSS = "across outputs"


def _small(values: pd.Series, threshold: int) -> pd.Series:
    return (values >= 1) & (values < threshold)


def suppress(cells: pd.DataFrame, threshold: int = 5, *, group: list[str] | None = None,
             additive: str | None = None, blank: list[str] | None = None) -> pd.DataFrame:
    """Return ``cells`` with a ``suppression`` column ('' or the reason) and the ``blank`` columns
    (by default every numeric column but ``base_n``) emptied where suppressed.

    ``group`` names the columns that identify cells sharing one base; ``additive`` names a boolean
    column saying whether a group's cells add up to its base (single-choice) or stand alone.
    """
    out = cells.copy()
    count, base = out["count"].astype(float), out["base_n"].astype(float)
    reason = pd.Series("", index=out.index, dtype=object)
    reason[_small(count, threshold)] = "primary"
    reason[(reason == "") & _small(base, threshold)] = "small base"
    additive_mask = (out[additive].astype(bool) if additive
                     else pd.Series(False, index=out.index))
    complement = ~additive_mask & _small(base - count, threshold)
    reason[(reason == "") & complement] = "complement"
    if group:
        for _, members in out[additive_mask].groupby(group, sort=False, dropna=False):
            hidden = reason[members.index] != ""
            together = count[members.index][hidden.to_numpy()].sum()
            if hidden.sum() == 1 or (hidden.sum() > 1 and 1 <= together < threshold):
                visible = members.index[~hidden.to_numpy() & (count[members.index] > 0).to_numpy()]
                if len(visible):
                    smallest = count[visible].idxmin()
                    reason[smallest] = "secondary"
    out["suppression"] = reason
    columns = blank if blank is not None else [
        c for c in out.select_dtypes("number").columns if c != "base_n"]
    hidden = reason != ""
    for column in columns:
        out[column] = out[column].astype(float).where(~hidden, np.nan)
    # a base equal to the hidden count (a count of rows is its own base) would show it
    out["base_n"] = out["base_n"].astype(float).where(~(hidden & (count == base)), np.nan)
    return out


def protect_measured(table: pd.DataFrame, threshold: int, *, value: str = "reproduced",
                     base: str = "base_n_reproduced") -> pd.DataFrame:
    """Suppress a table of measured values (one published value per row, as
    :func:`iro_stats.stats.reproduce.reproduce` gives them): counts and percentages are judged by the
    respondent count they rest on (a percentage's count is value x base / 100), other statistics
    by their base. Each row stands alone (categories shown together are protected by the tables'
    own secondary suppression). Suppressed values, and what could reveal them, are blanked and
    marked in ``suppression``."""
    from fractions import Fraction

    out = table.copy()
    stat = out["statistic"]
    numeric = pd.to_numeric(out[value], errors="coerce")
    bases = pd.to_numeric(out[base], errors="coerce")
    counts = pd.Series(np.nan, index=out.index)
    counts[stat == "count"] = numeric[stat == "count"]
    pct = (stat == "percent") & numeric.notna() & bases.notna()
    counts[pct] = [float(round(Fraction(repr(v)) * int(b) / 100))
                   for v, b in zip(numeric[pct], bases[pct])]
    counts = counts.fillna(bases)   # means, SDs, r: judged by their base
    cells = pd.DataFrame({"count": counts, "base_n": bases.fillna(counts),
                          "additive": False}, index=out.index)
    judged = suppress(cells, threshold, additive="additive", blank=[])
    if "id" in out:
        judged["suppression"] = la_table_reasons(out["id"], numeric, judged["suppression"],
                                                 threshold)
    hidden = judged["suppression"] != ""
    out["suppression"] = judged["suppression"]
    for column in (value, "abs_diff", base, "excluded_n", "outside_n"):
        if column in out.columns:
            out[column] = out[column].astype(object).where(~hidden, None)
    return out


LA_TABLE_ID = re.compile(r"^(ta_[12])\.(\w+?)_(las|responses|responses_pct)$")


def _fixed(groups: list[tuple[str, float, bool]], total: float) -> bool:
    """Whether ``total`` minus the shown responses fixes a hidden group's, each hidden group
    (key, las, hidden) being between 0 and its LAs."""
    hidden = [(k, las) for k, las, h in groups if h]
    for key, las in hidden:
        others = sum(other for k, other in hidden if k != key)
        if max(0.0, total - others) >= min(las, total):
            return True
    return False


def la_table_reasons(ids: pd.Series, values: pd.Series, reasons: pd.Series,
                     threshold: int) -> pd.Series:
    """The suppression of Tables A.1-A.2's values (ids ``ta_1.<row>_las``, ``_responses``,
    ``_responses_pct``) among ``reasons`` (the others untouched): the number of LAs of a type or
    rating keeps its own reason (it is public, the frame, but a small one is hidden all the
    same); responding counts of 1 .. threshold-1 are hidden, and with them their percentage; Table A.2's total when Table A.1's total minus it
    (the unrated authorities) is small; then, while the table's total (Table A.1's for Table
    A.2 with its unrated authorities) minus the shown rows would fix a hidden row's count (each
    at most its LAs), the smallest shown row too."""
    reasons = reasons.copy()
    cells: dict[tuple[str, str, str], object] = {}
    for index, pid in ids.items():
        match = LA_TABLE_ID.match(str(pid))
        if match:
            cells[match.groups()] = index
    if not cells:
        return reasons

    def value(block, row, column):
        index = cells.get((block, row, column))
        return float(values[index]) if index is not None and pd.notna(values[index]) else np.nan

    for (block, row, column), index in cells.items():
        if column == "responses":
            reasons[index] = "primary" if _small(pd.Series([value(block, row, column)]),
                                                 threshold).iloc[0] else ""
    unrated = value("ta_1", "total", "responses") - value("ta_2", "total", "responses")
    if ("ta_2", "total", "responses") in cells and 1 <= unrated < threshold:
        reasons[cells[("ta_2", "total", "responses")]] = "complement"
    for block in ("ta_1", "ta_2"):
        rows = sorted({r for b, r, c in cells if b == block and r != "total"
                       and (b, r, "responses") in cells})
        total = value(block, "total", "responses")
        extra = []
        if block == "ta_2" and reasons.get(cells.get(("ta_2", "total", "responses")), "") != "":
            total = value("ta_1", "total", "responses")
            extra = [("unrated", value("ta_1", "total", "las") - value("ta_2", "total", "las"),
                      True)]
        if np.isnan(total):
            continue
        while True:
            groups = [(r, value(block, r, "las"), reasons[cells[(block, r, "responses")]] != "")
                      for r in rows] + extra
            shown = {r: value(block, r, "responses") for r, _, h in groups if not h}
            rest = total - sum(shown.values())
            candidates = [r for r, v in shown.items() if v > 0]
            if not any(h for _, _, h in groups) or not _fixed(groups, rest) or not candidates:
                break
            reasons[cells[(block, min(candidates, key=shown.get), "responses")]] = "secondary"
    for (block, row, column), index in cells.items():
        if column == "responses_pct":
            own = cells.get((block, row, "responses"))
            if own is not None and reasons[own] != "" and reasons[index] == "":
                reasons[index] = reasons[own]
    return reasons
