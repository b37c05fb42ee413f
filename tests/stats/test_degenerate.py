"""The degenerate-variable scan (:mod:`iro_stats.stats.degenerate`) on a small codebook."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.degenerate import scan

CODEBOOK = {
    "scales": {"f5": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 5: "Always"}},
    "datasets": {"iro": {"variables": [
        {"name": "often", "kind": "ordinal", "values": "f5", "label": "How often"},
        {"name": "same", "kind": "ordinal", "values": "f5", "label": "Same"},
        {"name": "yes", "kind": "binary", "values": {0: "No", 1: "Yes"}, "label": "Yes"},
        {"name": "blank", "kind": "count", "label": "Blank"},
    ]}}}


def test_constant_variables_and_empty_inner_categories_are_found():
    frame = pd.DataFrame({"often": [1, 1, 3, 5, np.nan], "same": [5, 5, 5, 5, 5],
                          "yes": [0, 1, 1, 0, 1], "blank": [np.nan] * 5})
    found = scan({"iro": frame}, CODEBOOK)
    assert sorted(zip(found["variable"], found["finding"])) == [
        ("blank", "no valid answer"),
        ("often", "empty inner category: 'Often'"),
        ("often", "empty inner category: 'Rarely'"),
        ("same", "constant: every valid answer is 'Always'"),
        ("same", "empty inner category: 'Often'"),
        ("same", "empty inner category: 'Rarely'"),
        ("same", "empty inner category: 'Sometimes'"),
    ]


def test_a_category_the_report_prints_as_empty_is_not_a_finding():
    frame = pd.DataFrame({"often": [1, 2, 3, 4, 5], "same": [1, 2, 3, 4, 4],
                          "yes": [0, 1, 1, 0, 0], "blank": [1, 2, 3, 4, 0]})
    assert scan({"iro": frame}, CODEBOOK).empty
    frame["often"] = [1, 2, 2, 4, 5]
    assert scan({"iro": frame}, CODEBOOK, {("iro", "often", 3)}).empty


def test_the_holes_a_printed_mean_forces_are_counted_by_hand():
    """Mean 7.7 on 1-8 from 60 answers: the sum must lie strictly between 459 and 465. Codes
    2-7 all chosen once (27) leave 54 answers, at most 54 x 8 = 432: 459, not above it. Five of
    them can: 3-7 (25) with 54 eights and one 7 make 464."""
    from fractions import Fraction

    from iro_stats.stats.degenerate import fillable

    codes = list(range(1, 9))
    assert fillable(codes, 60, Fraction("7.7"), 1) == 5
    assert fillable(codes, 60, Fraction("7.4"), 1) == 6       # sum in (441, 447): 27 + 54 x 8
    assert fillable(codes, 6, Fraction("8.0"), 1) == 0        # sum in (47.7, 48.3): all eights
    assert fillable([1, 2, 3], 2, Fraction("1.5"), 1) == 1    # 1 and 2 (sum 3), mean 1.5


def test_a_hole_the_printed_mean_forces_is_not_a_finding_but_a_second_one_is():
    codebook = {"scales": {"p8": {c: str(c) for c in range(1, 9)}},
                "datasets": {"dcs": {"variables": [
                    {"name": "prio", "kind": "ordinal", "values": "p8", "label": "Priority"}]}}}
    means = {("dcs", "prio"): (__import__("fractions").Fraction("7.7"), 1)}
    one_hole = [3, 4, 5, 6, 7] + [7] * 5 + [8] * 50             # mean 7.6667, code 2 empty
    assert scan({"dcs": pd.DataFrame({"prio": one_hole})}, codebook, means=means).empty
    assert len(scan({"dcs": pd.DataFrame({"prio": one_hole})}, codebook)) == 1   # no mean known
    two_holes = [4, 5, 6, 7] + [7] * 6 + [8] * 50                # 2 and 3 empty
    found = scan({"dcs": pd.DataFrame({"prio": two_holes})}, codebook, means=means)
    assert list(found["finding"]) == ["empty inner category: '2'", "empty inner category: '3'"]
