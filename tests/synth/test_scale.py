"""Scaled synthetic surveys keep every distribution and multiply every count."""

from __future__ import annotations

import pandas as pd
import pytest

from iro_stats.synth.scale import scale_frames


@pytest.fixture()
def frames():
    return {"iro": pd.DataFrame({"iro_id": ["I1", "I2", "I3"], "la_code": ["AAA", "AAA", "BBB"],
                                 "iro_supportive": [4.0, 5.0, -99.0]}),
            "cafcass_referral": pd.DataFrame({"child_id": ["R1", "R2"], "ref_case_id": [1, 1],
                                              "la_code": ["AAA", "AAA"]}),
            "la_attributes": pd.DataFrame({"la_code": ["AAA", "BBB"], "lac_2012": [10, 20]})}


def test_scale_repeats_rows_under_new_ids(frames):
    big = scale_frames(frames, 10)
    assert len(big["iro"]) == 30 and big["iro"]["iro_id"].is_unique
    shares = big["iro"]["iro_supportive"].value_counts(normalize=True).sort_index()
    pd.testing.assert_series_equal(
        shares, frames["iro"]["iro_supportive"].value_counts(normalize=True).sort_index())
    assert big["cafcass_referral"].equals(frames["cafcass_referral"])  # the case list stays
    assert big["la_attributes"].equals(frames["la_attributes"])


def test_scale_one_is_the_identity_and_zero_is_refused(frames):
    assert scale_frames(frames, 1) is frames
    with pytest.raises(ValueError, match="positive"):
        scale_frames(frames, 0)
