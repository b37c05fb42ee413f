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
