"""Property-based tests of validation: frames built from the codebook with random corruptions
either pass unchanged or fail with the project's own error and a message naming the variable;
never an unhandled exception, never a silent coercion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import small_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iro_stats.common.errors import IroStatsError
from iro_stats.read.spss import Extract, read_extract
from iro_stats.read.validate import validate
from iro_stats.render.sav import write as write_sav

DATASETS = ("iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral")
CORRUPTIONS = ("none", "valid_code", "missing_code", "system_missing_text", "fraction",
               "out_of_range", "string_digit", "drop_column", "duplicate_id", "unknown_la",
               "negative_count", "reversed_labels")
# Corruptions that must fail, and those that must pass.
MUST_FAIL = {"fraction", "out_of_range", "string_digit", "drop_column", "duplicate_id",
             "unknown_la", "negative_count", "reversed_labels"}



@pytest.fixture(scope="module")
def base_frame(codebook, la_frame):
    """``base_frame(dataset, seed)``: the valid 8-row frame of that seed."""
    return lambda dataset, seed: small_frame(codebook, la_frame, dataset, n=8, seed=seed)


@pytest.fixture(scope="module")
def la_codes(la_frame):
    return set(la_frame["la_code"])


def _coded(codebook, dataset):
    return [v for v in codebook["datasets"][dataset]["variables"]
            if v["kind"] in ("categorical", "ordinal", "binary")]


def _scale(codebook, var):
    labels = var["values"]
    return codebook["scales"][labels] if isinstance(labels, str) else labels


def corrupt(frame, codebook, dataset, kind, draw):
    """Apply one corruption; return the frame, the value labels to write and the variable hit."""
    frame = frame.copy()
    spec = codebook["datasets"][dataset]
    coded = _coded(codebook, dataset)
    var = draw(st.sampled_from(coded))
    name = var["name"]
    row = draw(st.integers(0, len(frame) - 1))
    labels = {}
    if kind == "valid_code":
        frame.loc[row, name] = float(draw(st.sampled_from(sorted(_scale(codebook, var)))))
    elif kind == "missing_code":
        frame.loc[row, name] = float(draw(st.sampled_from([-99, -98])))
    elif kind == "system_missing_text":
        texts = [v["name"] for v in spec["variables"] if v["kind"] == "text"]
        name = texts[0] if texts else name
        if texts:
            frame.loc[row, name] = draw(st.text(max_size=20))
    elif kind == "fraction":
        frame.loc[row, name] = draw(st.sampled_from(sorted(_scale(codebook, var)))) + 0.5
    elif kind == "out_of_range":
        codes = {float(c) for c in _scale(codebook, var)} | {-99.0, -98.0}
        value = draw(st.integers(-1000, 1000).map(float).filter(lambda v: v not in codes))
        frame.loc[row, name] = value
    elif kind == "string_digit":
        frame[name] = frame[name].map(lambda v: f"{v:g}")
    elif kind == "drop_column":
        frame = frame.drop(columns=[name])
    elif kind == "duplicate_id":
        other = (row + 1) % len(frame)
        frame.loc[row, spec["id"]] = frame.loc[other, spec["id"]]
        name = spec["id"]
    elif kind == "unknown_la":
        frame.loc[row, "la_code"] = draw(st.sampled_from(["ZZZ", "Q1", "LONDON", "abc"]))
        name = "la_code"
    elif kind == "negative_count":
        counts = [v["name"] for v in spec["variables"] if v["kind"] == "count"]
        if counts:
            name = counts[0]
            frame.loc[row, name] = -float(draw(st.integers(1, 50)))
        else:  # no count in this dataset: an out-of-range code instead
            frame.loc[row, name] = 777.0
    elif kind == "reversed_labels":
        scale = _scale(codebook, var)
        if len(scale) < 2 or len(set(scale.values())) < 2:
            kind = "none"
        else:
            top = max(scale)
            low = min(scale)
            labels[name] = {float(top + low - c): t for c, t in scale.items()}
    return frame, labels, name, kind


def _outcome(frame, labels, dataset, codebook, la_codes):
    extract = Extract(dataset, f"<{dataset}>", frame, value_labels=labels,
                      string_vars={c for c in frame.columns if frame[c].dtype == object})
    return validate(extract, codebook, la_codes)


@given(data=st.data(), dataset=st.sampled_from(DATASETS), kind=st.sampled_from(CORRUPTIONS))
def test_a_corrupted_frame_fails_naming_the_variable_or_passes_unchanged(
        data, dataset, kind, codebook, base_frame, la_codes):
    base = base_frame(dataset, data.draw(st.integers(0, 50)))
    frame, labels, name, kind = corrupt(base, codebook, dataset, kind, data.draw)
    before = frame.copy()
    report = _outcome(frame, labels, dataset, codebook, la_codes)   # never raises
    pd.testing.assert_frame_equal(frame, before)                    # nothing coerced in place
    if kind in MUST_FAIL:
        assert not report.usable, f"{kind} on {name} passed"
        text = report.summary()
        assert name in text or "absent" in text, text
        with pytest.raises(IroStatsError):
            report.raise_if_unusable()
    else:
        assert report.usable, report.summary()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(CORRUPTIONS))
def test_through_a_sav_file_values_survive_exactly_or_fail(data, kind, codebook, base_frame,
                                                           la_codes, tmp_path_factory):
    """Written as .sav and read back: a usable extract holds exactly the values written."""
    dataset = "dcs"
    base = base_frame(dataset, data.draw(st.integers(0, 50)))
    frame, labels, name, kind = corrupt(base, codebook, dataset, kind, data.draw)
    path = tmp_path_factory.mktemp("sav") / "dcs.sav"
    if kind in ("string_digit", "reversed_labels"):
        import pyreadstat

        pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    elif frame.map(lambda v: isinstance(v, str) and "\x00" in v).any().any():
        with pytest.raises(IroStatsError, match="NUL"):   # refused, nothing written
            write_sav(frame, dataset, codebook, path)
        assert not path.exists()
        return
    else:
        write_sav(frame, dataset, codebook, path)
    try:
        extract = read_extract(path, dataset, codebook)
    except IroStatsError:
        assert kind in MUST_FAIL
        return
    report = validate(extract, codebook, la_codes)
    if kind in MUST_FAIL:
        assert not report.usable, f"{kind} on {name} passed"
        return
    assert report.usable, report.summary()
    # SPSS pads strings with blanks: trailing blanks carry no meaning, a blank string is missing
    written = frame.map(lambda v: v.rstrip(" ") if isinstance(v, str) else v).replace("", np.nan)
    read = extract.frame[written.columns].replace("", np.nan)
    pd.testing.assert_frame_equal(read.reset_index(drop=True), written, check_dtype=False)
