"""The verdict of each published Table A.3 cell (:mod:`iro_stats.stats.verdicts`) on small
constructed checks whose verdict is known by hand, one category at a time; and the default
run's verdict table against the published Table A.3 cells of ``data/reference/published.yaml``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from iro_stats.stats.verdicts import verdicts

ROOT = Path(__file__).resolve().parents[2]
ALPHA = 0.05
CHECK_COLUMNS = ["model", "term", "check", "estimate", "df", "p", "n", "n_la", "n_iro", "share",
                 "note"]


def _cell(term="x", published=0.30, starred=True):
    return {"id": f"ta_3.m_{term}", "model": "m", "term": term, "published": published,
            "significant_published": starred if term != "R2" else np.nan}


def _checks(term="x", predictor="x", *, imputation=True, **change):
    """Every check of one starred positive term, each agreeing with the published conclusion
    (p well below 0.05, positive estimate, kept in most replicates); ``change`` replaces the
    named check's fields (``cr2={'p': 0.2}``) or, given None, drops that check."""
    rows = {
        "identification": {"term": term, "n": 120, "n_la": 12, "n_iro": 40,
                           "note": "identified by all LAs"},
        "cr2": {"term": term, "estimate": 0.5, "df": 11.0, "p": 0.01, "n": 120, "n_la": 12,
                "n_iro": 40, "note": "B with CR2 SE by LA"},
        "wild_bootstrap": {"term": term, "estimate": 0.5, "p": 0.02, "n": 120},
        "own_sample": {"term": term, "estimate": 0.31, "df": 118.0, "p": 0.001, "n": 125},
        "bootstrap_selection": {"term": predictor, "share": 0.9},
        "ordinal": {"term": term, "estimate": 0.8, "p": 0.004, "note": "kept"},
        "mi_pooled": {"term": term, "estimate": 0.29, "df": 90.0, "p": 0.003},
        "mi_selection": {"term": predictor, "share": 0.95},
    }
    if not imputation:
        del rows["mi_pooled"], rows["mi_selection"]
    for check, fields in change.items():
        if fields is None:
            rows.pop(check)
        else:
            rows[check] = {**rows[check], **fields}
    return pd.DataFrame([{"model": "m", "check": c, **f} for c, f in rows.items()],
                        columns=CHECK_COLUMNS)


def _verdict(checks, cell=None, predictor_of=None):
    table = verdicts(pd.DataFrame([cell or _cell()]), checks, ALPHA, predictor_of or {"x": "x"})
    assert len(table) == 1
    return table.iloc[0]


def test_a_term_every_check_agrees_with_is_robust():
    row = _verdict(_checks())
    assert row["verdict"] == "robust"
    assert [row[k] for k in ("clustering", "sample_rule", "missing_data", "selection")] == [
        "robust"] * 4
    assert (row["n_la"], row["n_iro"]) == (12, 40)
    assert row["evidence"].startswith("CR2 p 0.010 (df 11.0), wild bootstrap p 0.020; "
                                      "own sample beta 0.310, p 0.001 (n = 125)")


def test_clustering_that_removes_the_star_or_that_cannot_be_estimated():
    assert _verdict(_checks(cr2={"p": 0.20}))["verdict"] == "sensitive to clustering"
    # CR2 agrees but the wild cluster bootstrap does not
    assert _verdict(_checks(wild_bootstrap={"p": 0.08}))["verdict"] == "sensitive to clustering"
    # significant under clustering but of the other sign than the published beta
    assert _verdict(_checks(cr2={"estimate": -0.5}))["verdict"] == "sensitive to clustering"
    # too few identifying LAs: no p at all
    row = _verdict(_checks(cr2={"p": np.nan, "note": "not estimable with clustering: 3 "
                                "identifying LAs (minimum 5)"}, wild_bootstrap=None))
    assert row["clustering"] == "not estimable with clustering"
    assert row["verdict"] == "sensitive to clustering (not estimable with clustering)"
    assert "CR2: no p, 3 identifying LAs (minimum 5)" in row["evidence"]
    # an unstarred cell that clustering would star
    unstarred = _verdict(_checks(cr2={"p": 0.01}, wild_bootstrap={"p": 0.01},
                                 own_sample={"p": 0.3}, ordinal={"p": 0.4},
                                 mi_pooled={"p": 0.3}),
                         _cell(published=0.08, starred=False))
    assert unstarred["verdict"] == "sensitive to clustering"


def test_the_sample_rule_missing_data_and_selection_each_alone():
    assert _verdict(_checks(own_sample={"p": 0.09}))["verdict"] == "sensitive to the sample rule"
    assert _verdict(_checks(mi_pooled={"p": 0.07}))["verdict"] == "sensitive to missing data"
    # pooled p fine, but the predictor survives selection in under half of the imputations
    assert _verdict(_checks(mi_selection={"share": 0.4}))["verdict"] == (
        "sensitive to missing data")
    assert _verdict(_checks(bootstrap_selection={"share": 0.3}))["verdict"] == (
        "sensitive to selection")
    # the ordinal model's own elimination drops the predictor
    removed = _verdict(_checks(ordinal={"estimate": np.nan, "p": 0.6,
                                        "note": "predictor removed at step 2"}))
    assert removed["verdict"] == "sensitive to selection"
    both = _verdict(_checks(cr2={"p": 0.3}, bootstrap_selection={"share": 0.2}))
    assert both["verdict"] == "sensitive to clustering, to selection"


def test_a_location_dummy_is_judged_by_its_block_in_selection():
    checks = _checks(term="cs_qa", predictor="location", bootstrap_selection={"share": 0.45})
    row = _verdict(checks, _cell(term="cs_qa"), {"cs_qa": "location"})
    assert row["verdict"] == "sensitive to selection"
    assert "kept (its block, location) in 45% of bootstrap replicates" in row["evidence"]


def test_without_imputation_missing_data_is_not_checked_never_robust():
    row = _verdict(_checks(imputation=False))
    assert row["missing_data"] == "not checked (imputation off)"
    assert row["verdict"] == "robust; missing data not checked (imputation off)"
    assert "MI" not in row["evidence"]
    # an R2: its own-sample value within 0.05 of the published one, no imputation
    r2 = pd.DataFrame([{"model": "m", "term": "R2", "check": "own_sample", "estimate": 0.131,
                        "n": 125}], columns=CHECK_COLUMNS)
    row = _verdict(r2, _cell(term="R2", published=0.11))
    assert (row["sample_rule"], row["missing_data"]) == ("robust",
                                                         "not checked (imputation off)")
    assert row["verdict"] == "robust; missing data not checked (imputation off)"
    assert row["evidence"] == "own sample R2 0.13 (n = 125)"
    moved = r2.assign(estimate=0.161)          # 0.051 from the published 0.11
    assert _verdict(moved, _cell(term="R2", published=0.11))["verdict"].startswith(
        "sensitive to the sample rule")


def test_the_default_run_judges_exactly_the_published_table_a3_cells(workflow_project):
    blocks = yaml.safe_load((ROOT / "data" / "reference" / "published.yaml")
                            .read_text(encoding="utf-8"))["blocks"]
    ta_3 = next(b for b in blocks if b["id"] == "ta_3")
    published = {f"ta_3.{v['id']}": v["value"] for v in ta_3["values"]}
    assert len(published) == 17
    table = pd.read_csv(workflow_project / "results" / "models" / "verdicts.csv")
    assert sorted(table["id"]) == sorted(published) and table["id"].is_unique
    assert dict(zip(table["id"], table["published"])) == published
    assert table["verdict"].str.match(r"^(robust|sensitive to )").all()
    assert table["model_label"].str.match(r"^Model [ABCD]: ").all()
    assert table["label"].notna().all()
