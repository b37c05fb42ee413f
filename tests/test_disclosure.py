"""Disclosure control on small cases whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.disclosure import enabled, suppress


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


def test_two_small_cells_protect_each_other():
    out = suppress(_cells([2, 4, 54], 60), group=["group"], additive="additive")
    assert out["suppression"].tolist() == ["primary", "primary", ""]


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


def test_enabled_for_real_data_and_on_request():
    assert enabled({"source": "spss"})
    assert not enabled({"source": "synthetic"})
    assert enabled({"source": "synthetic", "disclosure": {"apply": "always"}})
    assert enabled({"source": "spss", "disclosure": {"apply": "real"}})
