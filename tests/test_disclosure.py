"""Disclosure control on small cases whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.disclosure import suppress


def _cells(counts, base, additive=True, group="q1"):
    return pd.DataFrame({"group": group, "code": range(1, len(counts) + 1), "count": counts,
                         "base_n": base, "percent": [100 * c / base for c in counts],
                         "additive": additive})


def test_no_small_cell_no_suppression():
    out = suppress(_cells([10, 20, 30], 60), group=["group"], additive="additive")
    assert (out["suppression"] == "").all()
    assert out["count"].tolist() == [10, 20, 30]


def test_one_small_cell_takes_the_next_smallest_with_it():
    # 3 alone could be recovered as 60 - 10 - 47; so 10 is suppressed too, 47 stays
    out = suppress(_cells([3, 10, 47], 60), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "secondary", ""]
    assert np.isnan(out["count"][0]) and np.isnan(out["percent"][1])
    assert out["count"][2] == 47 and out["base_n"].tolist() == [60, 60, 60]


def test_a_hidden_count_equal_to_its_base_hides_the_base():
    # a count of rows is its own base: 3 of 3 shown as base_n 3 would be the count
    out = suppress(pd.DataFrame({"count": [3, 8], "base_n": [3, 8], "additive": False}))
    assert out["suppression"].tolist() == ["primary", ""]
    assert np.isnan(out["base_n"][0]) and out["base_n"][1] == 8


def test_two_small_cells_protect_each_other():
    out = suppress(_cells([2, 4, 54], 60), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "primary", ""]


def test_small_cells_adding_up_to_less_than_the_threshold_take_another_with_them():
    # 1 + 2 = 3 would be 62 - 39 - 20 (a published 'codes 1-2' cell); so 20 goes too
    out = suppress(_cells([1, 2, 39, 20], 62), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "primary", "", "secondary"]


def test_zero_is_shown_and_not_used_as_secondary():
    out = suppress(_cells([0, 3, 12, 45], 60), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["", "primary", "secondary", ""]


def test_a_stand_alone_cell_hides_a_small_complement():
    # multi-response options: 57 of 60 selected means 3 did not
    out = suppress(_cells([57, 30], 60, additive=False), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["complement", ""]


def test_a_small_base_hides_every_cell():
    out = suppress(_cells([0, 4], 4), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["small base", "primary"]


def test_groups_are_separate():
    cells = pd.concat([_cells([3, 10, 47], 60, group="a"), _cells([20, 20, 20], 60, group="b")],
                      ignore_index=True)
    out = suppress(cells, group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "secondary", "", "", "", ""]


def test_the_threshold_is_a_parameter():
    out = suppress(_cells([8, 52], 60), 10, group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "secondary"]


# --------------------------------------------------------------------------- the audit


def _distribution(**columns):
    base = {"row": ["a", "b", "c"], "column": ["v"] * 3, "statistic": ["percent"] * 3,
            "count": [10.0, 12.0, 8.0], "base_n": [30.0] * 3, "additive": [True] * 3,
            "suppression": [""] * 3}
    return pd.DataFrame({**base, **columns})


def test_the_audit_finds_what_suppression_missed():
    from iro_stats.stats.disclosure_audit import audit_cells, audit_values

    assert audit_cells(_distribution(), "t.csv", 5) == []
    shown_small = audit_cells(_distribution(count=[10.0, 17.0, 3.0]), "t.csv", 5)
    assert shown_small == [("t.csv", "c", "v", "count", 3.0)]
    one_hidden = _distribution(count=[10.0, 17.0, None], suppression=["", "", "primary"])
    assert audit_cells(one_hidden, "t.csv", 5) == [
        ("t.csv", "c", "v", "derivable: the base minus the distribution's shown cells", None)]
    two_hidden = _distribution(count=[10.0, None, None], suppression=["", "secondary", "primary"])
    assert audit_cells(two_hidden, "t.csv", 5) == []
    alone = _distribution(additive=[False] * 3, count=[10.0, 27.0, 8.0])
    assert audit_cells(alone, "t.csv", 5) == [("t.csv", "b", "v", "complement", 3.0)]
    values = pd.DataFrame({"id": ["x.a", "x.b", "x.c"], "statistic": ["percent", "count", "mean"],
                           "reproduced": [10.0, 40.0, 3.2], "base_n_reproduced": [30, 41, 4],
                           "note": ["", "", ""]})
    assert audit_values(values, "p.csv", 5) == [("p.csv", "x.a", "reproduced", "count", 3),
                                                ("p.csv", "x.b", "reproduced", "complement", 1.0),
                                                ("p.csv", "x.c", "reproduced", "small base", 4)]


def test_the_audit_fails_the_command_naming_the_cell(tmp_path, capsys):
    from iro_stats.cli import main

    (tmp_path / "tables").mkdir()
    _distribution(count=[10.0, 17.0, 3.0]).to_csv(tmp_path / "tables" / "t9_9.csv", index=False)
    out = tmp_path / "audit.txt"
    assert main(["disclosure-audit", "--results", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "tables/t9_9.csv: row c, v: count (3)" in err and "Traceback" not in err
    assert not out.exists()
