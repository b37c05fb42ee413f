"""One disclosure decision for every output (:mod:`iro_stats.stats.disclosure_plan`), on a table
and a comparison whose own suppressions disagree; the cells to hide worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats import disclosure_plan
from test_disclosure_across_files import CODEBOOK, _cell

RESOLVED = {"x.a": {"dataset": "iro", "var": "r", "codes": [1]},
            "x.b": {"dataset": "iro", "var": "r", "codes": [2]},
            "x.c": {"dataset": "iro", "var": "r", "codes": [3]}}


def _measured(rows):
    """The comparison's measured values: (published id, count or None when hidden, base)."""
    return pd.DataFrame([{"id": pid, "statistic": "percent",
                          "reproduced": np.nan if count is None else 100 * count / base,
                          "base_n_reproduced": base, "excluded_n": 0, "outside_n": 0,
                          "suppression": "primary" if count is None else ""}
                         for pid, count, base in rows])


def test_a_measure_hidden_in_a_table_is_hidden_in_the_comparison():
    # the table hides C (37 of 100) as the secondary cell of its distribution; the comparison,
    # row by row, shows it
    table = pd.DataFrame([_cell("t", "a", "1", 60, 100, var="r"),
                          _cell("t", "b", "2", None, 100, var="r", hidden="primary"),
                          _cell("t", "c", "3", None, 100, var="r", hidden="secondary")])
    measured = _measured([("x.a", 60, 100), ("x.b", None, 100), ("x.c", 37, 100)])
    planned = disclosure_plan.plan({"tables/t.csv": table}, measured, RESOLVED, CODEBOOK)
    shown = disclosure_plan.hide_planned_values(measured, RESOLVED, planned)
    assert shown.set_index("id").loc["x.c", "suppression"] == disclosure_plan.MARK
    assert pd.isna(shown.set_index("id").loc["x.c", "reproduced"])
    assert shown.set_index("id").loc["x.a", "reproduced"] == 60.0     # nothing gives B back


def test_what_would_give_a_hidden_count_back_across_outputs_is_hidden_too():
    # the table shows A (40 of 100) and hides B (3); the comparison shows C (57 of 100):
    # B = 100 - 40 - 57. The smaller shown count, A, goes, in the table and the comparison
    table = pd.DataFrame([_cell("t", "a", "1", 40, 100, var="r"),
                          _cell("t", "b", "2", None, 100, var="r", hidden="primary")])
    measured = _measured([("x.c", 57, 100)])
    planned = disclosure_plan.plan({"tables/t.csv": table}, measured, RESOLVED, CODEBOOK)
    cells = disclosure_plan.hide_planned_cells(table, "tables/t.csv", RESOLVED, planned)
    assert list(cells["suppression"]) == [disclosure_plan.MARK, "primary"]
    assert cells["value"].isna().all()
    values = disclosure_plan.hide_planned_values(measured, RESOLVED, planned)
    assert values["reproduced"].notna().all()                         # C stays: B is safe now


def test_outputs_that_agree_need_no_plan_beyond_their_own_cells():
    table = pd.DataFrame([_cell("t", "a", "1", 40, 100, var="r"),
                          _cell("t", "b", "2", 30, 100, var="r")])
    measured = _measured([("x.c", 30, 100)])
    planned = disclosure_plan.plan({"tables/t.csv": table}, measured, RESOLVED, CODEBOOK)
    assert planned.empty
    assert disclosure_plan.hide_planned_cells(table, "tables/t.csv", RESOLVED, planned)[
        "value"].notna().all()
