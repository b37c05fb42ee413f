"""The disclosure audit across published files (:func:`iro_stats.stats.disclosure_audit.audit`):
small results folders, each a few CSVs in the files' real column layout, where a hidden cell is
shown, or follows from what is shown, in another file. Expected findings worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.disclosure import la_table_reasons
from iro_stats.stats.disclosure_audit import audit

CELL = ["table", "row", "row_label", "column", "column_label", "plotted", "additive", "statistic",
        "dataset", "var", "codes", "where", "value", "exact", "display", "count", "base_n",
        "excluded_n", "outside_n", "ci_low", "ci_high", "population", "ci_low_fpc",
        "ci_high_fpc", "published_id", "published_value", "status", "note", "suppression"]
VALUES = ["id", "source", "group", "statistic", "decimals", "label", "quote", "base_n_published",
          "base_n_reproduced", "published", "reproduced", "abs_diff", "tolerance", "status",
          "note"]
CODEBOOK = {"scales": {"yes_no": {0: "No", 1: "Yes"}, "three": {1: "A", 2: "B", 3: "C"}},
            "datasets": {"iro": {"variables": [{"name": "q", "values": "yes_no"},
                                               {"name": "r", "values": "three"}]}}}


def _cell(table, row, codes, count, base, *, var="q", statistic="percent", hidden="",
          pid=None, column="value", where=None):
    """One table or figure cell; a hidden one (``hidden`` its reason) blank but for its base."""
    value = np.nan if hidden or count is None else (
        100 * count / base if statistic == "percent" else count)
    return {"table": table, "row": row, "row_label": row, "column": column, "column_label": "%",
            "plotted": True, "additive": False, "statistic": statistic, "dataset": "iro",
            "var": var, "codes": codes, "where": where, "value": value,
            "count": np.nan if hidden else count, "base_n": base, "excluded_n": 0,
            "outside_n": 0, "published_id": pid, "suppression": hidden or None}


def _write(results, name, rows, columns=CELL):
    path = results / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)


def _found(results, resolved=None, codebook=CODEBOOK):
    return [tuple(f) for f in audit(results, 5, resolved, codebook).itertuples(index=False)]


def test_a_hidden_cell_shown_in_a_figure_is_named_with_the_figure(tmp_path):
    # the table hides 12 of 40 (a secondary cell); the figure shows the same measure: 30%
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "a", "1", 12, 40, hidden="secondary")])
    _write(tmp_path, "figures/f1.csv", [_cell("f1", "a", "1", 12, 40)])
    assert _found(tmp_path) == [("tables/t1.csv", "a", "value",
                                 "shown elsewhere: figures/f1.csv, row a, value", 30.0)]


def test_a_different_subgroup_is_a_different_measure(tmp_path):
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "a", "1", 12, 40, hidden="secondary")])
    _write(tmp_path, "figures/f1.csv", [_cell("f1", "a", "1", 12, 40, where="x == 1")])
    assert _found(tmp_path) == []


def test_a_published_value_shown_in_the_comparison_is_found_by_its_id(tmp_path):
    # the comparison's row x.a is the table cell's published value: 25% of 40 is 10
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "a", "1", 10, 40, hidden="secondary",
                                             pid="x.a")])
    _write(tmp_path, "published_vs_reproduced.csv",
           [{"id": "x.a", "statistic": "percent", "base_n_reproduced": 40, "reproduced": 25.0,
             "note": ""}], VALUES)
    resolved = {"x.a": {"dataset": "iro", "var": "q", "codes": [1]}}
    assert _found(tmp_path, resolved) == [
        ("tables/t1.csv", "a", "value",
         "shown elsewhere: published_vs_reproduced.csv, row x.a, reproduced", 25.0)]


def test_the_complement_shown_in_another_file_gives_a_hidden_yes_no_back(tmp_path):
    # yes is hidden (12 of 40); another file shows no: 70% of 40 = 28, so yes = 40 - 28
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "yes", "1", 12, 40, hidden="secondary")])
    _write(tmp_path, "tables/text_1.csv", [_cell("text_1", "no", "0", 28, 40, column="s1")])
    [finding] = _found(tmp_path)
    assert finding[:3] == ("tables/t1.csv", "yes", "value")
    assert finding[3].startswith("derivable across files") and "tables/text_1.csv, row no" in \
        finding[3]
    # without the codebook, 'no' need not be every other answer: nothing can be derived
    assert _found(tmp_path, codebook=None) == []


def test_the_base_and_the_other_codes_in_two_files_give_the_third_back(tmp_path):
    # r has codes 1-3; 10 and 6 of 20 shown in two files, so code 3 = 20 - 10 - 6 = 4
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "c", "3", 4, 20, var="r", hidden="primary"),
                                       _cell("t1", "a", "1", 10, 20, var="r")])
    _write(tmp_path, "figures/f1.csv", [_cell("f1", "b", "2", 6, 20, var="r")])
    [finding] = _found(tmp_path)
    assert finding[:3] == ("tables/t1.csv", "c", "value") and "derivable" in finding[3]


def test_a_sum_of_categories_beside_one_of_them_gives_the_other_back(tmp_path):
    # 'B or C' (10 of 20) shown in the text, C hidden, B shown: C = 10 - 6 = 4
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "c", "3", 4, 20, var="r", hidden="primary"),
                                       _cell("t1", "b", "2", 6, 20, var="r")])
    _write(tmp_path, "tables/text_1.csv", [_cell("text_1", "bc", "2 3", 10, 20, var="r")])
    assert [f[:3] for f in _found(tmp_path)] == [("tables/t1.csv", "c", "value")]


def test_two_hidden_codes_protect_each_other_across_files(tmp_path):
    # codes 2 and 3 hidden (6 and 4 of 20); only 1 and the base shown: 2 and 3 stay unknown
    _write(tmp_path, "tables/t1.csv", [_cell("t1", "c", "3", 4, 20, var="r", hidden="primary"),
                                       _cell("t1", "a", "1", 10, 20, var="r")])
    _write(tmp_path, "figures/f1.csv", [_cell("f1", "b", "2", 6, 20, var="r",
                                              hidden="secondary")])
    assert _found(tmp_path) == []


def test_a_hidden_count_of_rows_must_not_show_its_base(tmp_path):
    # a count of rows is its own base: base_n 3 beside a blank count is the count
    cell = _cell("text_6", "asylum", None, 3, 3, var=None, statistic="count",
                 hidden="primary", pid="s.asylum", column="s6", where="asylum == 1")
    _write(tmp_path, "tables/text_6.csv", [cell])
    resolved = {"s.asylum": {"dataset": "iro", "count": "rows", "where": "asylum == 1"}}
    assert _found(tmp_path, resolved) == [
        ("tables/text_6.csv", "asylum", "s6",
         "hidden count of rows whose base_n (the count) is shown", 3.0)]
    _write(tmp_path, "tables/text_6.csv", [{**cell, "base_n": None}])
    assert _found(tmp_path, resolved) == []


def _la_tables(tmp_path, a2_rows, marked=True):
    columns = ["row", "las", "responses", "responses_pct", "suppression"]
    _write(tmp_path, "tables/table_a1.csv",
           [{"row": "county", "las": 27, "responses": 25, "responses_pct": None,
             "suppression": "responses_pct: complement"},
            {"row": "other", "las": 125, "responses": 97, "responses_pct": 77.6, "suppression": ""},
            {"row": "total", "las": 152, "responses": 122, "responses_pct": 80.3,
             "suppression": ""}], columns)
    _write(tmp_path, "tables/table_a2.csv",
           [dict(zip(columns, r)) for r in a2_rows], columns if marked else columns[:4])


def test_table_a2_gives_back_its_small_rows_and_the_unrated_authority(tmp_path):
    # hidden: inadequate and outstanding (2 LAs each). 121 - 53 - 64 = 4 = 2 + 2, so both are 2;
    # and Table A.1's 122 minus Table A.2's 121 is the 1 responding unrated authority
    _la_tables(tmp_path, [("inadequate", 2, None, None, "responses: primary"),
                          ("adequate", 68, 53, 77.9, ""), ("good", 79, 64, 81.0, ""),
                          ("outstanding", 2, None, None, "responses: primary"),
                          ("total", 151, 121, None, "")])
    found = {f[1]: f for f in _found(tmp_path)}
    assert set(found) == {"inadequate", "outstanding", "total"}
    assert found["inadequate"][2:] == ("responses", "derivable: the total minus the shown rows, "
                                       "each hidden row at most its LAs", 2.0)
    assert found["total"][3:] == ("count: Table A.1's total minus it (the unrated "
                                  "authorities)", 1.0)


def test_table_a2_with_its_total_and_a_larger_row_hidden_is_clean(tmp_path):
    # 122 - 64 = 58 between inadequate (<= 2), outstanding (<= 2), unrated (<= 1) and adequate
    # (<= 68): none is fixed (adequate 53 .. 58)
    _la_tables(tmp_path, [("inadequate", 2, None, None, "responses: primary"),
                          ("adequate", 68, None, None, "responses: secondary"),
                          ("good", 79, 64, 81.0, ""),
                          ("outstanding", 2, None, None, "responses: primary"),
                          ("total", 151, None, None, "responses: complement")])
    assert _found(tmp_path) == []


def test_an_unmarked_hidden_response_and_a_percentage_that_gives_it_back(tmp_path):
    _la_tables(tmp_path, [("inadequate", 40, None, 7.5, ""), ("good", 111, 90, 81.1, ""),
                          ("total", 151, None, None, "")], marked=False)
    found = [f[1:4] for f in _found(tmp_path)]
    assert ("inadequate", "responses", "hidden but not marked (suppression)") in found
    assert ("inadequate", "responses_pct", "derivable: the percentage times the LAs") in found


def test_la_table_suppression_hides_what_the_totals_would_give_back():
    # the synthetic data's Table A.2: 2/2 inadequate, 53/68, 64/79, 2/2 outstanding, 121/151,
    # and Table A.1's 122/152. By hand: the two small rows are primary; 122 - 121 = 1 unrated
    # hides A.2's total; 122 - 117 = 5 = 2 + 2 + 1 would fix them, so the smallest shown row
    # (adequate, 53) goes too; then 58 is spread over rows of at most 2, 2, 1 and 68: none fixed
    rows = {"ta_1.total_las": 152, "ta_1.total_responses": 122,
            "ta_2.inadequate_las": 2, "ta_2.inadequate_responses": 2,
            "ta_2.inadequate_responses_pct": 100.0,
            "ta_2.adequate_las": 68, "ta_2.adequate_responses": 53,
            "ta_2.adequate_responses_pct": 77.9, "ta_2.good_las": 79,
            "ta_2.good_responses": 64, "ta_2.good_responses_pct": 81.0,
            "ta_2.outstanding_las": 2, "ta_2.outstanding_responses": 2,
            "ta_2.outstanding_responses_pct": 100.0,
            "ta_2.total_las": 151, "ta_2.total_responses": 121}
    ids = pd.Series(list(rows))
    reasons = la_table_reasons(ids, pd.Series(list(rows.values()), dtype=float),
                               pd.Series("", index=ids.index), 5)
    hidden = dict(zip(ids, reasons))
    assert {k: v for k, v in hidden.items() if v} == {
        "ta_2.inadequate_responses": "primary", "ta_2.inadequate_responses_pct": "primary",
        "ta_2.outstanding_responses": "primary", "ta_2.outstanding_responses_pct": "primary",
        "ta_2.total_responses": "complement", "ta_2.adequate_responses": "secondary",
        "ta_2.adequate_responses_pct": "secondary"}
