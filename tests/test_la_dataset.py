"""The LA dataset: combining rules checked on a hand-made case whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iro_stats.common.errors import IroStatsError
from iro_stats.dataset.la_dataset import COLUMNS, build

NA = np.nan
FRAME = pd.DataFrame({"la_code": ["AAA", "BBB", "CCC", "DDD"],
                      "la_type": ["unitary", "county_council", "london_borough", "unitary"]})


def _frames(**changes):
    frames = {
        "iro": pd.DataFrame({
            "iro_id": ["I1", "I2", "I3", "I4"], "la_code": ["AAA", "AAA", "BBB", NA],
            "iro_nonduties": [0, 1, 0, 1], "iro_nonduty_cp": [NA, 1, NA, 1],
            "iro_nonduty_reviews": [NA, 0, NA, 1], "iro_nonduty_training": [NA, 0, NA, 0],
            "iro_nonduty_qa": [NA, 0, NA, 0], "iro_nonduty_complaints": [NA, 0, NA, 0],
            "iro_nonduty_lado": [NA, 0, NA, 0], "iro_protocol_aware": [1, 0, NA, 1]}),
        "manager": pd.DataFrame({
            "mgr_id": ["M2", "M1", "M3"], "la_code": ["AAA", "AAA", "CCC"],
            # AAA: M1 (lowest id) has no location, so M2's answer is the manager answer
            "mgr_location": [2, NA, 6], "mgr_emp_own": [1, NA, NA], "mgr_emp_sessional": [0, NA, NA],
            "mgr_emp_agency": [1, NA, NA], "mgr_other_duties": [0, 1, NA],
            "mgr_caseload_lac": [80, 60, NA], "mgr_caseload_cp_incl": [0, 1, NA],
            "mgr_caseload_total": [NA, 90, NA], "mgr_protocol_aware": [1, 1, 0],
            "mgr_scope_childrens": [1, 1, NA], "mgr_scope_other_depts": [0, 1, NA],
            "mgr_scope_external": [0, 0, NA]}),
        "dcs": pd.DataFrame({
            "dcs_id": ["D1", "D2"], "la_code": ["AAA", "BBB"], "dcs_location": [1, 5],
            "dcs_emp_own": [1, 1], "dcs_emp_sessional": [1, 0], "dcs_emp_agency": [0, 0],
            "dcs_iro_nonduties": [NA, 1], "dcs_nonduty_cp": [NA, 0], "dcs_nonduty_reviews": [NA, 1],
            "dcs_nonduty_training": [NA, 0], "dcs_nonduty_qa": [NA, 0],
            "dcs_nonduty_complaints": [NA, 0], "dcs_nonduty_lado": [NA, 0],
            "dcs_caseload_lac": [99, 75], "dcs_caseload_cp_incl": [NA, 1],
            "dcs_caseload_total": [NA, 120]}),
        "cafcass_enquiry": pd.DataFrame({"enquiry_id": ["E1", "E2", "E3"],
                                         "la_code": ["BBB", "BBB", "CCC"],
                                         "enq_concern_placement": [1, 0, 1]}),
        "cafcass_referral": pd.DataFrame({"child_id": ["R1", "R2", "R3"], "ref_case_id": [1, 1, 2],
                                          "la_code": ["BBB", "BBB", NA]}),
        "la_attributes": pd.DataFrame({"la_code": ["AAA", "BBB", "CCC", "DDD"],
                                       "ofsted_lac": [1, 3, 4, NA],
                                       "ofsted_after_apr2011": [1, 0, 1, NA],
                                       "lac_2012": [100, 200, 300, 4]}),
    }
    frames.update(changes)
    return frames


@pytest.fixture()
def la():
    return build(_frames(), FRAME).set_index("la_code")


def test_one_row_per_authority_with_every_documented_column(la):
    assert list(la.index) == ["AAA", "BBB", "CCC", "DDD"]
    assert list(la.reset_index().columns) == list(COLUMNS)


def test_who_responded(la):
    assert la["n_iro"].tolist() == [2, 1, 0, 0]          # the IRO without an LA counts nowhere
    assert la["n_manager"].tolist() == [2, 0, 1, 0]
    assert la["n_surveys"].tolist() == [3, 2, 1, 0]
    assert la["all_three"].tolist() == [1, 0, 0, 0]
    assert la["single_respondent"].tolist() == [0, 0, 1, 0]
    assert la["responded"].tolist() == [1, 1, 1, 0]


def test_location_manager_answer_wins_then_dcs(la):
    # AAA: manager M2 says 2, DCS says 1 -> 2 (disagreement flagged); BBB: DCS only -> 5;
    # CCC: manager says outsourced; DDD: nobody -> missing
    assert la["location"].tolist()[:3] == [2, 5, 6] and np.isnan(la.loc["DDD", "location"])
    assert la["location_sources_disagree"].tolist()[:1] == [1]
    assert np.isnan(la.loc["BBB", "location_sources_disagree"])
    assert la["in_house"].tolist()[:3] == [1, 1, 0]


def test_employment_only_for_in_house_services(la):
    assert la.loc["AAA", ["emp_own", "emp_sessional", "emp_agency"]].tolist() == [1, 0, 1]
    assert la.loc["BBB", ["emp_own", "emp_sessional", "emp_agency"]].tolist() == [1, 0, 0]
    assert la.loc[["CCC", "DDD"], "emp_own"].isna().all()


def test_non_iro_duties_yes_if_dcs_or_any_iro_says_yes(la):
    assert la.loc[["AAA", "BBB"], "nonduties"].tolist() == [1, 1]
    assert la.loc["AAA", "nonduty_cp"] == 1          # from IRO I2
    assert la.loc["BBB", "nonduty_cp"] == 0          # DCS says no, the IRO has no duties
    assert la.loc["BBB", "nonduty_reviews"] == 1     # from the DCS
    assert np.isnan(la.loc["CCC", "nonduties"])      # nobody answered


def test_caseloads_and_protocol(la):
    # AAA: M1 (first by id) has no location but does answer the caseload: 60, incl. CP total 90
    assert la.loc["AAA", ["caseload_lac", "caseload_cp_incl", "caseload_total"]].tolist() == [60, 1, 90]
    assert la.loc["BBB", ["caseload_lac", "caseload_total"]].tolist() == [75, 120]
    assert la.loc["AAA", "caseload_above_limit"] == 0 and la.loc["BBB", "caseload_above_limit"] == 1
    assert la.loc["AAA", "mgr_other_duties"] == 1
    assert la.loc["AAA", "protocol"] == 1 and la.loc["CCC", "protocol"] == 0
    assert np.isnan(la.loc["DDD", "protocol"])


def test_cafcass_and_ofsted(la):
    assert la["n_enquiries"].tolist() == [0, 2, 1, 0]
    assert la["n_placement_enquiries"].tolist() == [0, 1, 1, 0]
    assert la["n_referral_cases"].tolist() == [0, 1, 0, 0]
    assert la["ofsted_2level"].tolist()[:3] == [1, 2, 2] and np.isnan(la.loc["DDD", "ofsted_2level"])


def test_an_unknown_la_code_is_an_error_naming_it():
    frames = _frames()
    frames["dcs"].loc[1, "la_code"] = "ZZZ"
    with pytest.raises(IroStatsError, match="dcs.*ZZZ"):
        build(frames, FRAME)
