"""What the notebooks show of the ledger and the validation report under disclosure control
(report/views.py), on small ledgers whose answer is worked out by hand."""

from __future__ import annotations

import pandas as pd

from iro_stats.report import views


def _ledger(**counts: int) -> pd.DataFrame:
    """A ledger with ``counts`` rows per 'dataset:status:reason' key (dots for spaces)."""
    rows = []
    for key, n in counts.items():
        dataset, status, reason = key.split("__")
        rows += [{"dataset": dataset, "row": i, "id": f"{dataset}{i}", "status": status,
                  "reason": reason.replace("_", " ")} for i in range(n)]
    return pd.DataFrame(rows)


def test_without_disclosure_control_every_count_shows():
    shown = views.ledger_summary(_ledger(iro__kept__=294, iro__kept__no_LA=1), None)
    assert sorted(shown["rows"]) == [1, 294]


def test_a_small_count_and_what_would_give_it_back_are_withheld():
    # 294 kept + 1 without an LA: the 1 is small; 295 (the published N) - 294 would reveal it
    shown = views.ledger_summary(_ledger(iro__kept__=294, iro__kept__no_LA=1, dcs__kept__=60),
                                 5).set_index(["dataset", "reason"])["rows"]
    assert shown[("iro", "no LA")] == "fewer than 5"
    assert shown[("iro", "")].startswith("withheld")
    assert shown[("dcs", "")] == 60                     # nothing small there: shown


def test_small_counts_adding_up_to_the_threshold_need_no_complement():
    shown = views.ledger_summary(_ledger(iro__kept__=290, iro__excluded__partial=3,
                                         iro__kept__no_LA=2), 5)
    # 3 + 2 hidden: their sum 5 (= 295 - 290) is not below the threshold
    assert (shown["rows"] == "fewer than 5").sum() == 2 and 290 in list(shown["rows"])
    shown = views.ledger_summary(_ledger(iro__kept__=290, iro__excluded__partial=1,
                                         iro__kept__no_LA=2, iro__excluded__test=30), 5)
    # 1 + 2 = 3 < 5: the smallest shown count (30) is withheld too, 290 stays
    assert list(shown["rows"]).count(290) == 1
    assert sum(str(v).startswith("withheld") for v in shown["rows"]) == 1


def test_the_validation_report_stays_with_the_analyst_under_disclosure_control():
    text = "data/raw/iro.sav: row I0042 has code 7 for iro_role"
    assert views.validation_text(text, None) == text
    shown = views.validation_text(text, 5)
    assert "I0042" not in shown and "iro.sav" not in shown and "validation.txt" in shown
