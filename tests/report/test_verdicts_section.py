"""The reproduction report's section of Table A.3 verdicts (:func:`iro_stats.report.html.
_verdicts`): the report's labels and printed values, whether imputation ran, and no IRO count
below the disclosure threshold under disclosure control."""

from __future__ import annotations

import pandas as pd

from iro_stats.report.html import _verdicts


def _table(missing="not checked (imputation off)"):
    return pd.DataFrame({
        "id": ["ta_3.b_commissioning_planning", "ta_3.b_r2"], "model": ["model_b"] * 2,
        "model_label": ["Model B: Views on working in a supportive environment"] * 2,
        "term": ["commissioning_planning", "R2"],
        "label": ["Commissioning & planning department", "R2"],
        "published": [-0.21, 0.2], "starred": [True, None],
        "verdict": ["sensitive to clustering (not estimable with clustering)", "robust"],
        "missing_data": [missing, missing], "n_la": [3, None], "n_iro": [4, None],
        "evidence": ["CR2: no p, 3 identifying LAs (minimum 5)", "own sample R2 0.20"]})


PUBLISHED = pd.DataFrame({"id": ["ta_3.b_commissioning_planning", "ta_3.b_r2"],
                          "decimals": [3, 2]})


def test_the_section_prints_labels_values_and_whether_imputation_ran():
    page = "".join(_verdicts(_table(), PUBLISHED, "synthetic", None))
    assert '<section id="verdicts">' in page
    assert "Commissioning &amp; planning department" in page and "commissioning_planning<" \
        not in page
    assert ">-0.210*</a>" in page and ">0.20</a>" in page     # printed precision, star
    assert 'href="#ta_3.b_commissioning_planning"' in page
    assert "3 LAs, 4 IROs" in page and "1 robust" in page and "1 sensitive" in page
    assert "did <b>not</b> run" in page and "synthetic data" in page
    ran = "".join(_verdicts(_table("robust"), PUBLISHED, "synthetic", None))
    assert "Multiple imputation ran" in ran


def test_under_disclosure_control_no_iro_count_below_the_threshold_shows():
    page = "".join(_verdicts(_table(), PUBLISHED, "spss", 5))
    assert "4 IROs" not in page and "3 LAs, fewer than 5 IROs" in page
    withheld = _table().assign(n_iro=[None, None])         # withheld upstream (robustness.csv)
    assert "fewer than 5 IROs" in "".join(_verdicts(withheld, PUBLISHED, "spss", 5))
