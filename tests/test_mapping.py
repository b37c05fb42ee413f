"""The mapping of a real export, on an export built from a known extract: every kind of
difference an online survey tool writes, undone by configuration alone, gives back the extract.
"""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest
from conftest import small_frame

from iro_stats.read.mapping import MappingError, la_key, la_lookup, load_mapping
from iro_stats.read.spss import read_extract

# the LAs of the six rows and how an export spells them
SPELLED = {"BST": "Bristol, City of", "KHL": "Kingston upon Hull", "DUR": "Durham",
           "SHN": "St Helens", "LND": "City of London", "BDG": "Barking & Dagenham"}

MAPPING = """
iro:
  exclude:
    - {where: "Finished == 0", reason: partial response}
    - {where: "Source == 'test'", reason: test response}
  rename: {RENAMES}
  la: {variable: LA_name, by: name}
  recode:
    iro_nonduties: {1: 1, 2: 0}
    iro_caseload: {null: -99}
  recodes:
    - pattern: "iro_review_*"
      codes: {1: 5, 2: 4, 4: 2, 5: 1, 9: -99}
  routed:
    - {gate: iro_nonduties, shown: [1], vars: [CHECKBOXES], unticked: 0}
"""


def _checkboxes(codebook) -> list[str]:
    return [v["name"] for v in codebook["datasets"]["iro"]["variables"]
            if v.get("mrset") == "iro_nonduty_type"]


def _mapping_text(names: dict[str, str], codebook) -> str:
    """MAPPING with the export's renames and the checkbox set filled in."""
    renames = "{" + ", ".join(f"{q}: {v}" for v, q in names.items()) + "}"
    return MAPPING.replace("{RENAMES}", renames).replace(
        "CHECKBOXES", ", ".join(_checkboxes(codebook)))


@pytest.fixture
def original(codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro", n=6, seed=3)
    frame["la_code"] = list(SPELLED)
    frame.loc[0, "iro_nonduties"] = 1.0     # one shown the duties set, one not
    frame.loc[1, "iro_nonduties"] = 0.0
    for var in _checkboxes(codebook):
        frame.loc[0, var] = 0.0
        frame.loc[1, var] = -98.0
    frame.loc[2, "iro_review_child"] = -99.0    # "don't know" in the export
    frame.loc[3, "iro_caseload"] = -99.0        # a number box left empty
    return frame


def _export(original: pd.DataFrame, path, checkboxes: list[str]) -> dict[str, str]:
    """The extract as an online survey tool writes it; returns its renames."""
    names = {v: f"Q{i}" for i, v in enumerate(original.columns) if v != "la_code"}
    out = original.drop(columns="la_code").rename(columns=names)
    for var in [v for v in original.columns if v.startswith("iro_review_")]:   # reversed
        q = names[var]
        out[q] = out[q].map(lambda v: 9.0 if v == -99 else 6 - v)
    out[names["iro_nonduties"]] = out[names["iro_nonduties"]].map({1.0: 1.0, 0.0: 2.0})
    for var in checkboxes:
            out[names[var]] = out[names[var]].map({1.0: 1.0}).astype(float)   # ticked or blank
    out[names["iro_caseload"]] = out[names["iro_caseload"]].mask(original["iro_caseload"] == -99)
    out.insert(1, "LA_name", [SPELLED[c] for c in original["la_code"]])
    extra = out.iloc[[0, 1]].copy()
    extra[names["iro_id"]] = ["P1", "T1"]
    extra["Finished"], extra["Source"] = [0.0, 1.0], ["web", "test"]
    out["Finished"], out["Source"] = 1.0, "web"
    out = pd.concat([out, extra], ignore_index=True)
    pyreadstat.write_sav(out, str(path))
    return names


def test_an_export_mapped_by_configuration_gives_back_the_extract(original, codebook,
                                                                   la_frame, tmp_path):
    names = _export(original, tmp_path / "export.sav", _checkboxes(codebook))
    spec = tmp_path / "mapping.yaml"
    spec.write_text(_mapping_text(names, codebook))
    mapping = load_mapping(spec, codebook)
    extract = read_extract(tmp_path / "export.sav", "iro", codebook, mapping, la_frame)
    assert [(row, ident, reason) for row, ident, reason in extract.excluded] == [
        (7, "P1", "partial response"), (8, "T1", "test response")]
    got = extract.frame.reset_index(drop=True)
    pd.testing.assert_frame_equal(got[list(original.columns)], original, check_dtype=False)


def test_every_authority_is_found_by_its_own_names(la_frame):
    lookup = la_lookup(la_frame)
    for row in la_frame.itertuples():
        assert lookup.get(la_key(row.name)) == row.la_code, row.name
        assert lookup.get(la_key(row.short_name)) == row.la_code, row.short_name
    assert la_key("Bristol, City of") == la_key("City of Bristol") == la_key("Bristol City Council")


def test_an_unknown_authority_is_named_with_the_closest_frame_names(original, codebook, la_frame,
                                                                    tmp_path):
    original = original.copy()
    frame = original.drop(columns="la_code")
    frame.insert(1, "LA_name", ["Bristl", *list(SPELLED.values())[1:]])
    pyreadstat.write_sav(frame, str(tmp_path / "x.sav"))
    spec = tmp_path / "m.yaml"
    spec.write_text("iro:\n  la: {variable: LA_name}\n")
    with pytest.raises(MappingError) as caught:
        read_extract(tmp_path / "x.sav", "iro", codebook, load_mapping(spec, codebook), la_frame)
    message = str(caught.value)
    assert "'Bristl' (rows X000)" in message and "Bristol" in message and "la.aliases" in message
    spec.write_text("iro:\n  la: {variable: LA_name, aliases: {Bristl: BST}}\n")
    extract = read_extract(tmp_path / "x.sav", "iro", codebook, load_mapping(spec, codebook),
                           la_frame)
    assert extract.frame["la_code"].tolist() == list(SPELLED)


@pytest.mark.parametrize("by, column", [("ons", "gss_code_2012"), ("dfe", "dfe_la_number")])
def test_an_authority_by_its_ons_or_dfe_code(original, codebook, la_frame, tmp_path, by, column):
    codes = la_frame.set_index("la_code")[column]
    frame = original.drop(columns="la_code")
    frame.insert(1, "LA", [codes[c] for c in original["la_code"]])
    frame.loc[5, "LA"] = None if by == "ons" else float("nan")     # no authority given
    pyreadstat.write_sav(frame, str(tmp_path / "x.sav"))
    spec = tmp_path / "m.yaml"
    spec.write_text(f"iro:\n  la: {{variable: LA, by: {by}}}\n")
    extract = read_extract(tmp_path / "x.sav", "iro", codebook, load_mapping(spec, codebook),
                           la_frame)
    assert extract.frame["la_code"].tolist() == [*list(SPELLED)[:5], ""]


@pytest.mark.parametrize("text, expected", [
    ("iro: {recode: {iro_supportive: {one: 5}}}", "at iro/recode/iro_supportive"),
    ("iro: {routed: [{gate: iro_nonduties, pattern: 'iro_nonduty_*'}]}", "'shown' is a required"),
    ("iro: {recodes: [{pattern: 'nothing_*', codes: {1: 2}}]}", "matches no variable"),
    ("iro: {exclude: [{where: 'Finished is 0', reason: partial}]}", "not 'VARIABLE OP VALUE'"),
    ("iro: {exclude: [{where: 'Finished == 0'}]}", "'reason' is a required"),
    ("iro: {la: {variable: LA, by: postcode}}", "at iro/la/by"),
    ("iro: [rename, recode]", "at iro"),
])
def test_a_mapping_of_the_wrong_shape_is_a_clear_error(codebook, tmp_path, text, expected):
    spec = tmp_path / "m.yaml"
    spec.write_text(text + "\n")
    with pytest.raises(MappingError, match="m.yaml") as caught:
        load_mapping(spec, codebook)
    assert expected in str(caught.value)


def test_excluded_rows_are_in_the_ledger_with_their_reason(original, codebook, la_frame,
                                                           tmp_path):
    from conftest import ROOT

    from iro_stats.read.ingest import ingest_files
    from iro_stats.render.sav import write as write_sav

    names = _export(original, tmp_path / "iro.sav", _checkboxes(codebook))
    spec = tmp_path / "mapping.yaml"
    spec.write_text(_mapping_text(names, codebook))
    paths = {"iro": str(tmp_path / "iro.sav")}
    for dataset in ("manager", "dcs"):
        paths[dataset] = str(tmp_path / f"{dataset}.sav")
        write_sav(small_frame(codebook, la_frame, dataset), dataset, codebook, paths[dataset])
    reference = ROOT / "data" / "reference"
    summary = ingest_files(paths, reference / "codebook.yaml",
                           reference / "local_authorities_england_2012.csv", spec,
                           tmp_path / "data", tmp_path / "ledger.csv", tmp_path / "report.txt")
    ledger = pd.read_csv(tmp_path / "ledger.csv", keep_default_na=False)
    iro = ledger[ledger["dataset"] == "iro"]
    assert len(iro) == 8 and (iro["status"] == "kept").sum() == 6
    assert iro.loc[iro["status"] == "excluded", ["row", "id", "reason"]].values.tolist() == [
        [7, "P1", "partial response"], [8, "T1", "test response"]]
    assert "rows excluded by the mapping: 1 (partial response); 1 (test response)" in summary
    assert "la_code from LA_name (by name)" in summary


def test_a_drafted_mapping_maps_a_labelled_export(original, codebook, la_frame, tmp_path):
    """Export variables named Q0, Q1 ... with the question text as label (numbered, as survey
    tools write them), a reversed scale with its value labels, yes/no as 1/2, a routed checkbox
    set, the LA by name and a completion flag: the draft, unedited, maps it back."""
    from iro_stats.read.draft import draft

    variables = {v["name"]: v for v in codebook["datasets"]["iro"]["variables"]}
    names = _export(original, tmp_path / "export.sav", _checkboxes(codebook))
    frame, _ = pyreadstat.read_sav(str(tmp_path / "export.sav"))
    frame = frame[frame["Source"] != "test"].drop(columns="Source")
    labels, value_labels = [], {}
    back = {q: v for v, q in names.items()}
    for column in frame.columns:
        var = variables.get(back.get(column, ""))
        labels.append(f"{column[1:]}. {var.get('question') or var['label']}" if var else column)
        if var and var["name"].startswith("iro_review_"):
            value_labels[column] = {6.0 - k: t for k, t in codebook["scales"]["frequency5"].items()}
            value_labels[column][9.0] = "Don't know"
        elif var and var["name"] == "iro_nonduties":
            value_labels[column] = {1.0: "Yes", 2.0: "No"}
    pyreadstat.write_sav(frame, str(tmp_path / "labelled.sav"), column_labels=labels,
                         variable_value_labels=value_labels)
    text, proposals = draft(tmp_path / "labelled.sav", "iro", codebook, la_frame)
    assert "la: {variable: LA_name, by: name}" in text and 'where: "Finished == 0"' in text
    assert "vars: [" + ", ".join(_checkboxes(codebook)) + "]" in text
    assert "iro_review_child: {1: 5, 2: 4, 4: 2, 5: 1, 9: -99}" in text
    assert "iro_nonduties: {2: 0}" in text
    wrong = [(p.export, p.target) for p in proposals if p.target and back.get(p.export) != p.target]
    assert not wrong
    spec = tmp_path / "draft.yaml"
    spec.write_text(text)
    mapping = load_mapping(spec, codebook)
    extract = read_extract(tmp_path / "labelled.sav", "iro", codebook, mapping, la_frame)
    got = extract.frame.reset_index(drop=True)
    # everything but the empty number box (the draft cannot know that blank means -99 there)
    same = [c for c in original.columns if c != "iro_caseload"]
    pd.testing.assert_frame_equal(got[same], original[same], check_dtype=False)


def test_survey_tool_exports_of_every_extract_map_back_to_it(synthetic, codebook, la_frame,
                                                             tmp_path):
    """Each of the six extracts of the synthetic default, exported as a survey tool writes it
    (tests/survey_tool.py) and read through its drafted mapping finished by configuration,
    gives the answers the plain extracts give (missing as missing: a blank checkbox cannot say
    whether it was routed past or left unanswered); each export's partial response is excluded
    (the workflow on three such exports: conftest's ``spss_project``)."""
    import yaml
    from survey_tool import export_and_map

    from iro_stats.read.ingest import DATASETS, ingest
    from iro_stats.render import sav

    exports = tmp_path / "exports"
    exports.mkdir()
    paths, mapping = export_and_map(synthetic["frames"], DATASETS, exports, codebook, la_frame)
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(mapping, sort_keys=False))
    plain = {}
    for dataset in DATASETS:
        plain[dataset] = tmp_path / f"{dataset}.sav"
        sav.write(synthetic["frames"][dataset], dataset, codebook, plain[dataset])
    codes = set(la_frame["la_code"])
    mapped, reports = ingest(paths, codebook, codes,
                             load_mapping(tmp_path / "mapping.yaml", codebook), la_frame)
    expected, _ = ingest(plain, codebook, codes, None, la_frame)
    for dataset in DATASETS:
        assert sorted(mapped[dataset].columns) == sorted(expected[dataset].columns), dataset
        answers = [frame[list(expected[dataset].columns)].reset_index(drop=True)
                   for frame in (mapped[dataset], expected[dataset])]
        answers = [a.mask(a.apply(pd.to_numeric, errors="coerce").lt(0)) for a in answers]
        pd.testing.assert_frame_equal(*answers, check_dtype=False, obj=dataset)
    text = "\n".join(str(r) for r in reports)
    assert text.count("partial") >= len(DATASETS), text[:2000]
