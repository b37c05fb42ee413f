"""The disclosure audit (:mod:`iro_stats.stats.disclosure_audit`) of Appendix B's checks beyond
the report: a respondent count below the threshold in robustness.csv, sensitivity.csv,
verdicts.csv or bootstrap.csv fails the audit, naming the file and the cell."""

from __future__ import annotations

import pandas as pd

from iro_stats.stats.disclosure_audit import audit


def _results(tmp_path, n_iro_robustness=12, n_iro_verdicts=12):
    models = tmp_path / "models"
    models.mkdir()
    pd.DataFrame({"model": ["model_b", "model_b"], "term": ["cs_qa", "cs_qa"],
                  "check": ["identification", "cr2"], "n": [238, 238], "n_la": [3, 3],
                  "n_iro": [n_iro_robustness, n_iro_robustness]}).to_csv(
        models / "robustness.csv", index=False)
    pd.DataFrame({"id": ["ta_3.b_cs_qa"], "model": ["model_b"], "term": ["cs_qa"],
                  "verdict": ["robust"], "n_la": [3], "n_iro": [n_iro_verdicts]}).to_csv(
        models / "verdicts.csv", index=False)
    pd.DataFrame({"model": ["model_b"], "term": ["cs_qa"], "check": ["wild_bootstrap"],
                  "n": [238]}).to_csv(models / "sensitivity.csv", index=False)
    pd.DataFrame({"model": ["model_b"], "term": ["location"], "check": ["bootstrap_selection"],
                  "replicates": [3], "rank_deficient": [2]}).to_csv(
        models / "bootstrap.csv", index=False)
    return tmp_path


def test_three_iros_identifying_a_term_fail_the_audit_naming_file_and_cell(tmp_path, capsys):
    from iro_stats.cli import main

    results = _results(tmp_path, n_iro_robustness=3, n_iro_verdicts=3)
    found = audit(results, 5)
    assert list(found.itertuples(index=False, name=None)) == [
        ("models/robustness.csv", "model_b cs_qa identification", "n_iro", "count", 3.0),
        ("models/robustness.csv", "model_b cs_qa cr2", "n_iro", "count", 3.0),
        ("models/verdicts.csv", "model_b cs_qa", "n_iro", "count", 3.0)]
    out = tmp_path / "disclosure.txt"
    assert main(["disclosure-audit", "--results", str(results), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "models/robustness.csv: row model_b cs_qa identification, n_iro: count (3)" in err
    assert "models/verdicts.csv: row model_b cs_qa, n_iro: count (3)" in err
    assert not out.exists()


def test_counts_at_the_threshold_and_non_respondent_counts_pass(tmp_path):
    # 5 IROs is not below 5; LAs (n_la) and bootstrap replicates are not respondents
    assert audit(_results(tmp_path, n_iro_robustness=5, n_iro_verdicts=5), 5).empty
