"""The reference files: structure, traceability to the report, and the report's own consistency."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import yaml
from conftest import normalise

from iro_stats.reference.audit import published_consistency
from iro_stats.reference.catalogue import catalogue_summary, la_frame_check
from iro_stats.common.errors import ReferenceDataError
from iro_stats.reference.loaders import codebook_problems, load_codebook, load_published

# Every table and figure of the report (from its list of contents: there is no Table 2.4 or 4.3;
# "Table 6.2" is printed twice and the second one, a summary of referred cases, holds no numbers).
REPORT_TABLES = [
    "2.1", "2.2", "2.3", "2.5", "3.1", "3.2", "3.3", "3.4", "3.5", "4.1", "4.2", "4.4", "4.5",
    "5.1", "5.2", "6.1", "6.2", "A.1", "A.2", "A.3",
]
REPORT_FIGURES = [
    "1.1", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2",
    "5.1", "6.1", "6.2", "6.3",
]

# Where the report disagrees with itself, reviewed against its text (published_consistency lists
# every check; these are the ones that fail, each with the arithmetic in a comment).
REPORT_INCONSISTENCIES = {
    # Figure 2.1: metropolitan districts 61% of N=81 IROs: 49/81 = 60.49%, 50/81 = 61.73%.
    ("percent_vs_n", "f2_1.metropolitan_district"),
    # Figure 2.3: metropolitan districts 85% of N=14 (11/14 = 78.6%, 12/14 = 85.7%) and London
    # boroughs 71% of N=13 (9/13 = 69.2%, 10/13 = 76.9%); with the two Ns swapped both fit
    # (11/13 = 84.6%, 10/14 = 71.4%): the printed Ns are probably swapped.
    ("percent_vs_n", "f2_3.metropolitan_district"),
    ("percent_vs_n", "f2_3.london_borough"),
    # Section 1.3 "an estimated response of ... 40% among DCSs"; Appendix A.2 "60 respondents
    # (39%)": 60/152 = 39.47%.
    ("same_as", "s1_3.dcs_response_rate"),
    # Executive summary: "At 48% the proportion of DCSs giving a rate of 4-5"; section 5.2 says
    # "at 47%"; Table 5.1 gives DCSs 39 + 8 = 47.
    ("same_as", "es_improvement.dcs_rating_4_5"),
    # Table 6.1: 25 + 11 + 6 + 6 + 2 = 50 authorities, but the total printed (and section 6.1's
    # "49 different local authorities") is 49.
    ("sum_of", "t6_1.total_las"),
    # Footnote 15: r=0.17, p=0.012, N=161. A Pearson r in [0.165, 0.175) with 161 cases has a
    # two-tailed p in [0.026, 0.037] (one-tailed [0.013, 0.018]): p=0.012 needs about 215 cases
    # or another test.
    ("r_p_n", "fn15.r"),
}

# ----------------------------------------------------------------------------- published.yaml


def test_published_structure_and_size(published):
    assert len(published) >= 300, "the report prints several hundred numbers"
    assert published["id"].is_unique
    assert set(published["group"]) <= {"iro", "manager", "dcs", "la", "cafcass"}
    assert published[["group", "statistic", "decimals", "quote"]].notna().all().all()


@pytest.mark.parametrize("table", REPORT_TABLES)
def test_every_table_has_values(published, table):
    assert (published["source"] == f"Table {table}").any(), f"no values from Table {table}"


@pytest.mark.parametrize("figure", REPORT_FIGURES)
def test_every_figure_has_values(published, figure):
    assert (published["source"] == f"Figure {figure}").any(), f"no values from Figure {figure}"


def test_executive_summary_and_text_statistics_are_recorded(published):
    assert (published["source"] == "Executive summary").sum() >= 40
    # In-text inferential statistics (footnotes 8 and 15).
    stats = published[published["statistic"].isin(["r", "p"])]
    assert set(stats["source"]) >= {"Footnote 8", "Footnote 15"}


def _occurs(quote: str, text: str) -> bool:
    """The quote's fragments (split at "...") occur in the text, in order."""
    position = 0
    for fragment in (f.strip() for f in quote.split("...")):
        position = text.find(fragment, position)
        if position < 0:
            return False
        position += len(fragment)
    return True


def test_every_value_is_traceable_to_the_report(published, report_text):
    """Each quote occurs in the report, and holds the number as printed (unless in words)."""
    missing, numberless = [], []
    for row in published.itertuples():
        quote = normalise(row.quote)
        if not _occurs(quote, report_text):
            missing.append(f"{row.id}: {row.quote!r}")
            continue
        if row.in_words or row.approximate:
            continue
        numbers = [row.value] if pd.notna(row.value) else [row.value_min, row.value_max]
        for number in numbers:
            printed = f"{abs(number):.{row.decimals}f}"
            variants = {printed, printed.lstrip("0") if printed.startswith("0.") else printed}
            if row.statistic == "count" and number >= 1000:
                variants.add(f"{int(number):,}")
            if not any(v in quote for v in variants):
                numberless.append(f"{row.id}: {printed} not in {row.quote!r}")
    assert not missing, "quotes not found in the report:\n" + "\n".join(missing)
    assert not numberless, "quotes without their number:\n" + "\n".join(numberless)


def test_beta_values_carry_significance(published):
    betas = published[published["statistic"] == "beta"]
    assert len(betas) == 13, "Table A.3 prints 13 betas"
    assert betas["significant"].notna().all()
    assert (published["statistic"] == "r2").sum() >= 4


def test_report_self_consistency_exceptions_are_the_reviewed_ones(published):
    """Single-choice rows sum to 100 within rounding; restatements agree; collapses add up."""
    checks = published_consistency(published)
    assert len(checks) >= 50
    failing = checks[checks["verdict"] == "inconsistent"]
    found = {(row.check, row.ids.split(";")[0]) for row in failing.itertuples()}
    assert found == REPORT_INCONSISTENCIES, failing.to_string()


def test_single_choice_sets_sum_within_rounding(published):
    checks = published_consistency(published)
    singles = checks[checks["check"] == "single_sum"]
    assert len(singles) >= 12
    assert (singles["verdict"] == "consistent").all(), singles.to_string()


def test_catalogue_summary_counts_every_value(published):
    summary = catalogue_summary(published)
    assert summary["n_values"].sum() == len(published)
    assert set(summary["group"]) == {"iro", "manager", "dcs", "la", "cafcass"}


# ----------------------------------------------------------------------------- validation fails


def _write(tmp_path, text):
    path = tmp_path / "published.yaml"
    path.write_text(textwrap.dedent(text))
    return path


GOOD_BLOCK = """
    report: {title: t, authors: a, publisher: p, date: "2013-08"}
    blocks:
      - id: t9_1
        source: Table 9.1
        section: "9.1"
        title: A small table
        kind: single
        group: iro
        statistic: percent
        decimals: 0
        base_n: 10
        values:
          - {id: agree, label: "Agree", value: 60, quote: "Agree 60"}
          - {id: disagree, label: "Disagree", value: 40, quote: "Disagree 40"}
"""


def test_a_minimal_file_loads(tmp_path):
    frame = load_published(_write(tmp_path, GOOD_BLOCK))
    assert list(frame["id"]) == ["t9_1.agree", "t9_1.disagree"]
    assert list(frame["base_n_min"]) == [10, 10]


@pytest.mark.parametrize(
    "change, message",
    [
        (("id: disagree,", "id: agree,"), "t9_1.agree is used more than once"),
        (("value: 40,", "value: 40.5,"), "more digits than decimals=0"),
        (("value: 40,", "value: 140,"), "outside"),
        (("statistic: percent", "statistic: share"), "statistic"),
        (('quote: "Disagree 40"}', 'quote: "Disagree 40", same_as: t9_1.maybe}'),
         "unknown id t9_1.maybe"),
        (("base_n: 10", "base_n: {min: 12, max: 10}"), "min 12 > max 10"),
        (("group: iro", "group: social_workers"), "group"),
    ],
)
def test_a_broken_file_is_refused_with_a_message(tmp_path, change, message):
    path = _write(tmp_path, GOOD_BLOCK.replace(*change))
    with pytest.raises(ReferenceDataError) as err:
        load_published(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("change", [
    ("statistic: percent", "statistic: share"),            # enum
    ("decimals: 0", "decimals: zero"),                      # type
    ("base_n: 10", "base_n: 0"),                            # oneOf: no branch holds
    ("base_n: 10", "base_n: {min: 10}"),                    # required inside a branch
    ("id: t9_1", "id: T9.1"),                               # pattern
    ("kind: single", "kind: single\n        colour: red"),  # additionalProperties
    ('title: A small table', 'title: [A, small, table]'),  # type of a string
])
def test_the_fast_schema_check_refuses_what_jsonschema_refuses(change):
    """The compiled schema (fastjsonschema) decides validity; jsonschema lists the problems.
    Both must refuse every document jsonschema refuses."""
    import fastjsonschema
    import jsonschema
    import yaml

    from iro_stats.reference.loaders import _compiled, _schema, schema_errors

    document = yaml.safe_load(GOOD_BLOCK.replace(*change))
    assert list(jsonschema.Draft202012Validator(_schema("published")).iter_errors(document))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        _compiled("published")(document)
    assert schema_errors(document, "published")
    assert schema_errors(yaml.safe_load(GOOD_BLOCK), "published") == []


def test_consistency_flags_a_set_that_does_not_sum(tmp_path):
    frame = load_published(_write(tmp_path, GOOD_BLOCK.replace("value: 40,", "value: 45,")))
    checks = published_consistency(frame)
    sums = checks[checks["check"] == "single_sum"].iloc[0]
    assert sums["verdict"] == "inconsistent"
    assert "60 + 45 = 105" in sums["arithmetic"]


# ----------------------------------------------------------------------------- codebook


CODEBOOK_USES = [f"Table {t}" for t in REPORT_TABLES if t != "A.3"] + [
    f"Figure {f}" for f in REPORT_FIGURES
] + ["Model A", "Model B", "Model C", "Model D"]


def test_codebook_covers_every_table_figure_and_model(codebook):
    uses = set()
    for dataset in codebook["datasets"].values():
        for var in dataset["variables"]:
            uses.update(var.get("used_in", []))
    for mrset in codebook["multi_response_sets"]:
        uses.update(mrset.get("used_in", []))
    assert not [u for u in CODEBOOK_USES if u not in uses]


def test_codebook_datasets_and_sizes_match_the_report(codebook, published):
    datasets = codebook["datasets"]
    assert set(datasets) >= {"iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral",
                             "la_attributes"}
    for name in ("iro", "manager", "dcs"):
        assert any(v["kind"] == "la" for v in datasets[name]["variables"]), name
    sample = published[(published["source"] == "Section 1.3") & (published["statistic"] == "count")]
    printed = set(sample["value"].astype(int))
    assert {datasets[d]["n_published"] for d in ("iro", "manager", "dcs")} <= printed


def test_model_variables_are_coded_higher_is_more(codebook):
    """Table A.3's signs assume ordered scales run from least to most of the named quality."""
    scales = codebook["scales"]
    for var in codebook["datasets"]["iro"]["variables"]:
        if var["kind"] == "ordinal" and any(u.startswith("Model") for u in var.get("used_in", [])):
            labels = scales[var["values"]] if isinstance(var["values"], str) else var["values"]
            codes = sorted(int(c) for c in labels)
            assert codes == list(range(codes[0], codes[0] + len(codes))), var["name"]


def test_codebook_problems_are_found(codebook):
    broken = yaml.safe_load(yaml.safe_dump(codebook))
    iro = broken["datasets"]["iro"]["variables"]
    iro.append(dict(iro[-1]))  # a duplicate
    iro.append({"name": "x_routed", "label": "routed", "kind": "binary", "values": "no_such_scale",
                "routing": "no_such_var == 1"})
    problems = "\n".join(codebook_problems(broken))
    assert "defined more than once" in problems
    assert "unknown scale 'no_such_scale'" in problems
    assert "unknown variables ['no_such_var']" in problems


def test_missing_codes_are_read_by_role(codebook):
    from iro_stats.reference.loaders import codebook_problems, missing_codes, schema_errors

    codes = missing_codes(codebook)
    assert (codes.not_answered, codes.routed_out, codes.all) == (-99, -98, (-99, -98))
    assert codes.labels == {-99: "Not answered", -98: "Not applicable (routed out)"}
    assert codes.as_missing(pd.DataFrame({"x": [1, -99, -98]}))["x"].isna().tolist() == [
        False, True, True]
    # a role must be named (not a bare code), and the two roles need two codes
    unnamed = {**codebook, "missing_codes": {-99: "Not answered", -98: "Routed out"}}
    assert schema_errors(unnamed, "codebook")
    same = {**codebook, "missing_codes": {"not_answered": {"code": -99, "label": "Not answered"},
                                          "routed_out": {"code": -99, "label": "Routed out"}}}
    assert not schema_errors(same, "codebook")
    assert any("both -99" in p for p in codebook_problems(same))


def test_a_codebook_with_missing_fields_is_refused(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("missing_codes: {not_answered: {code: -99, label: Not answered}}\n"
                    "scales: {}\ndatasets: {}\n")
    with pytest.raises(ReferenceDataError, match="multi_response_sets"):
        load_codebook(path)


# ----------------------------------------------------------------------------- LA frame


def test_la_frame_matches_table_a1(la_frame, published):
    assert len(la_frame) == 152
    check = la_frame_check(la_frame, published)
    assert len(check) == 4
    assert (check["verdict"] == "match").all(), check.to_string()
    total = published.set_index("id").loc["ta_1.total_las", "value"]
    assert int(total) == len(la_frame)


def test_r_p_n_checks_a_correlation_against_its_p(published):
    from iro_stats.reference.audit import r_p_n

    checks = {row["ids"]: row for row in r_p_n(published)}
    # footnote 8: r=0.5, N=75 gives t = 0.5 * sqrt(73 / 0.75) = 4.93, p = 5e-6, printed 0.000
    assert checks["fn8.r;fn8.p"]["verdict"] == "consistent"


def test_percent_vs_n_finds_impossible_percentages(tmp_path):
    # 61% of 81 is impossible (49/81 = 60.49%, 50/81 = 61.73%); 60% of 81 is 49/81.
    text = GOOD_BLOCK.replace("kind: single", "kind: collection").replace("base_n: 10", "base_n: 81")
    text = text.replace("value: 60,", "value: 61,").replace("value: 40,", "value: 60,")
    checks = published_consistency(load_published(_write(tmp_path, text)))
    grim = checks[checks["check"] == "percent_vs_n"].set_index("ids")
    assert grim.loc["t9_1.agree", "verdict"] == "inconsistent"
    assert "49/81 = 60.49%, 50/81 = 61.73%" in grim.loc["t9_1.agree", "arithmetic"]
    assert grim.loc["t9_1.disagree", "verdict"] == "consistent"


def test_free_text_variables_are_named_so_the_analysis_can_drop_them(codebook):
    from iro_stats.dataset.analysis import clean
    from iro_stats.reference.loaders import codebook_problems, missing_codes

    broken = {**codebook, "datasets": {**codebook["datasets"]}}
    iro = dict(broken["datasets"]["iro"])
    iro["variables"] = [dict(v, name="iro_comments") if v["kind"] == "text" else v
                        for v in iro["variables"]]
    broken["datasets"]["iro"] = iro
    assert any("end in _text" in p for p in codebook_problems(broken))
    frame = pd.DataFrame({"iro_id": ["I1"], "iro_conflict_text": ["named a colleague"],
                          "iro_supportive": [4.0]})
    assert list(clean(frame, missing_codes(codebook)).columns) == ["iro_id", "iro_supportive"]
