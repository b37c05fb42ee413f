"""Ingest and validation: malformed extracts and configs stop with a message naming the problem,
leave no output, and a mapped extract with other names and codes gives the same frames."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pyreadstat
import pytest
from conftest import REFERENCE, ROOT, small_frame

from iro_stats.cli import main
from iro_stats.read.ingest import DATASETS
from iro_stats.read.spss import Extract
from iro_stats.read.validate import MIN_ASKED, validate
from iro_stats.render.sav import write as write_sav

CODEBOOK = str(REFERENCE / "codebook.yaml")
LA_FRAME = str(REFERENCE / "local_authorities_england_2012.csv")


@pytest.fixture(scope="module")
def valid_extracts(tmp_path_factory, codebook, la_frame):
    """Valid small .sav extracts of every dataset, written once for the module."""
    folder = tmp_path_factory.mktemp("extracts")
    for dataset in DATASETS:
        write_sav(small_frame(codebook, la_frame, dataset), dataset, codebook,
                  folder / f"{dataset}.sav")
    return folder


@pytest.fixture()
def extracts(tmp_path, valid_extracts):
    """A test's own copy of the valid extracts (it may rewrite them), and their paths."""
    folder = shutil.copytree(valid_extracts, tmp_path / "extracts")
    return {dataset: folder / f"{dataset}.sav" for dataset in DATASETS}


def ingest_args(paths, out, mapping=None):
    args = ["ingest", "--codebook", CODEBOOK, "--la-frame", LA_FRAME, "--outdir", str(out / "data"),
            "--ledger", str(out / "ledger.csv"), "--report", str(out / "validation.txt")]
    for dataset, path in paths.items():
        args += ["--extract", f"{dataset}={path}"]
    return args + (["--mapping", str(mapping)] if mapping else [])


def run_failing(args, capsys, out=None):
    """Run the CLI expecting a refusal: exit 1, a message and no traceback, no output files."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    if out is not None:
        assert not out.exists() or not any(p.is_file() for p in out.rglob("*")), \
            sorted(p.name for p in out.rglob("*"))
    return err


def rewrite(path, frame, codebook, dataset):
    write_sav(frame, dataset, codebook, path)


# --------------------------------------------------------------------------- the happy path


def test_valid_extracts_are_ingested_with_a_ledger(extracts, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(ingest_args(extracts, out)) == 0, capsys.readouterr().err
    ledger = pd.read_csv(out / "ledger.csv", keep_default_na=False)
    sizes = {d: len(pd.read_parquet(out / "data" / f"{d}.parquet")) for d in DATASETS}
    assert ledger.groupby("dataset").size().to_dict() == sizes   # every row read is accounted
    assert set(ledger["status"]) == {"kept"}
    iro = pd.read_parquet(out / "data" / "iro.parquet")
    assert iro.attrs["value_labels"]["iro_time_in_la"]["4.0"] == "5 or more years"


def test_validate_command_says_usable(extracts, capsys):
    assert main(["validate", str(extracts["iro"]), "--survey", "iro", "--codebook", CODEBOOK,
                 "--la-frame", LA_FRAME]) == 0
    assert "usable" in capsys.readouterr().out


def test_optional_extracts_may_be_absent(extracts, tmp_path, capsys):
    out = tmp_path / "out"
    required = {d: extracts[d] for d in ("iro", "manager", "dcs")}
    assert main(ingest_args(required, out)) == 0, capsys.readouterr().err
    attributes = pd.read_parquet(out / "data" / "la_attributes.parquet")
    assert len(attributes) == 152 and (attributes["ofsted_lac"] == -99).all()
    assert len(pd.read_parquet(out / "data" / "cafcass_enquiry.parquet")) == 0


# --------------------------------------------------------------------------- malformed input


def test_missing_file(extracts, tmp_path, capsys):
    extracts["iro"] = tmp_path / "nowhere.sav"
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "nowhere.sav" in err and "not found" in err


def test_not_a_sav_file(extracts, tmp_path, capsys):
    extracts["manager"].write_text("id,la_code\n1,ABC\n")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "manager.sav" in err and "not an SPSS .sav file" in err


def test_truncated_file(extracts, tmp_path, capsys):
    data = extracts["dcs"].read_bytes()
    extracts["dcs"].write_bytes(data[: len(data) // 2])
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "dcs.sav" in err and "truncated" in err


def test_zero_rows(extracts, tmp_path, capsys, codebook, la_frame):
    rewrite(extracts["iro"], small_frame(codebook, la_frame, "iro").iloc[:0], codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro.sav" in err and "no rows" in err


def test_missing_variable(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro").drop(columns=["iro_caseload"])
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_caseload" in err and "absent" in err


def test_wrong_type(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "manager")
    frame["mgr_location"] = frame["mgr_location"].map(lambda v: f"code {v:g}")
    pyreadstat.write_sav(frame, str(extracts["manager"]))
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "mgr_location" in err and "is text" in err


def test_undeclared_code(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[2, "iro_supportive"] = 9.0
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_supportive" in err and "values 9" in err and "X002" in err


def test_fractional_code(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "dcs")
    frame.loc[0, "dcs_role"] = 2.5
    rewrite(extracts["dcs"], frame, codebook, "dcs")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "dcs_role" in err and "2.5" in err


def test_negative_count_and_out_of_range_value(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[1, "iro_caseload"] = -3.0
    rewrite(extracts["iro"], frame, codebook, "iro")
    manager = small_frame(codebook, la_frame, "manager")
    manager.loc[4, "mgr_caseload_lac"] = 999.0
    rewrite(extracts["manager"], manager, codebook, "manager")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_caseload" in err and "-3" in err and "X001" in err
    assert "mgr_caseload_lac" in err and "999" in err and "X004" in err


def test_duplicate_id(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[3, "iro_id"] = "X001"
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_id" in err and "duplicate" in err and "X001" in err


def test_blank_id(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "cafcass_enquiry")
    frame.loc[0, "enquiry_id"] = ""
    rewrite(extracts["cafcass_enquiry"], frame, codebook, "cafcass_enquiry")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "enquiry_id" in err and "blank" in err


def test_unknown_la(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "dcs")
    frame.loc[5, "la_code"] = "ZZZ"
    rewrite(extracts["dcs"], frame, codebook, "dcs")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "la_code" in err and "ZZZ" in err and "X005" in err


def test_mislabelled_reversed_scale(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    labels = {float(6 - c): t for c, t in codebook["scales"]["agreement5"].items()}
    pyreadstat.write_sav(frame, str(extracts["iro"]),
                         variable_value_labels={"iro_supportive": labels})
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_supportive" in err and "contradict the codebook" in err


def test_every_problem_of_every_file_is_reported_at_once(extracts, tmp_path, capsys, codebook,
                                                         la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[0, "iro_supportive"] = 7.0
    rewrite(extracts["iro"], frame, codebook, "iro")
    extracts["dcs"].write_text("not spss")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_supportive" in err and "dcs.sav" in err


def test_required_extract_not_configured(extracts, tmp_path, capsys):
    del extracts["manager"]
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "manager" in err and "config.yaml" in err


def test_mapping_to_an_unknown_variable(extracts, tmp_path, capsys):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("iro:\n  rename: {iro_caseload: iro_caseload_typo}\n")
    err = run_failing(ingest_args(extracts, tmp_path / "out", mapping), capsys, tmp_path / "out")
    assert "iro_caseload_typo" in err and "not a variable" in err


def test_mapping_of_a_variable_the_extract_lacks(extracts, tmp_path, capsys):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("iro:\n  rename: {Q99: iro_caseload}\n")
    err = run_failing(ingest_args(extracts, tmp_path / "out", mapping), capsys, tmp_path / "out")
    assert "Q99" in err and "does not have" in err


def test_mapping_that_is_not_yaml(extracts, tmp_path, capsys):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("iro: [unclosed\n")
    err = run_failing(ingest_args(extracts, tmp_path / "out", mapping), capsys, tmp_path / "out")
    assert "map.yaml" in err and "YAML" in err


def test_validate_command_refuses_a_bad_extract(extracts, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[4, "iro_time_in_la"] = 5.0
    rewrite(extracts["iro"], frame, codebook, "iro")
    assert main(["validate", str(extracts["iro"]), "--survey", "iro", "--codebook", CODEBOOK,
                 "--la-frame", LA_FRAME]) == 1
    captured = capsys.readouterr()
    assert "iro_time_in_la" in captured.out and "NOT usable" in captured.out
    assert "Traceback" not in captured.err


def test_routing_problems_are_reported_not_fatal(extracts, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame["iro_nonduties"] = 0.0
    frame["iro_nonduty_cp"] = 1.0          # answered though routed out
    rewrite(extracts["iro"], frame, codebook, "iro")
    assert main(["validate", str(extracts["iro"]), "--survey", "iro", "--codebook", CODEBOOK,
                 "--la-frame", LA_FRAME]) == 0
    out = capsys.readouterr().out
    assert "iro_nonduty_cp: answered although routed out" in out


# --------------------------------------------------------------------------- the workflow


def _config(tmp_path, spss: dict, extra: str = "") -> str:
    lines = [f"results: {tmp_path / 'results'}", "source: spss", "spss:"]
    lines += [f"  {k}: {v if v else 'null'}" for k, v in spss.items()]
    return "\n".join(lines) + "\n" + extra


def test_the_workflow_stops_on_a_bad_extract_and_leaves_nothing(extracts, tmp_path, codebook,
                                                                 la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[0, "la_code"] = "QQQ"
    rewrite(extracts["iro"], frame, codebook, "iro")
    config = tmp_path / "config.yaml"
    config.write_text(_config(tmp_path, {d: extracts[d] for d in ("iro", "manager", "dcs")}))
    result = subprocess.run([sys.executable, "-m", "snakemake", f"{tmp_path / 'results'}/ledger.csv",
                             "--cores", "1", "--configfile", str(config)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    log = (tmp_path / "results" / "logs" / "ingest.log").read_text()
    assert "QQQ" in log and "la_code" in log and "Traceback" not in log
    assert not (tmp_path / "results" / "data").exists() or not any(
        (tmp_path / "results" / "data").iterdir())
    assert not (tmp_path / "results" / "ledger.csv").exists()


# --------------------------------------------------------------------------- mapped extracts


def test_a_mapped_extract_gives_the_same_frames(extracts, tmp_path, capsys, codebook, la_frame):
    """Other variable names, a reversed agreement scale and the survey's own missing code (99,
    declared missing) are mapped back; the frames equal those of the canonical extract."""
    canonical = small_frame(codebook, la_frame, "iro")
    canonical.loc[0, "iro_supportive"] = -99.0
    names = {v: f"Q{i:03d}" for i, v in enumerate(canonical.columns)}
    own = canonical.rename(columns=names)
    q = names["iro_supportive"]
    own[q] = own[q].map(lambda v: 99.0 if v == -99 else 6 - v)
    own["FREE_TEXT_COMMENT"] = "x"
    path = tmp_path / "own_iro.sav"
    labels = {float(6 - c): t for c, t in codebook["scales"]["agreement5"].items()}
    pyreadstat.write_sav(own, str(path), variable_value_labels={q: {**labels, 99.0: "No answer"}},
                         missing_ranges={q: [99.0]})
    mapping = tmp_path / "map.yaml"
    mapping.write_text("iro:\n  rename:\n" + "".join(f"    {q_}: {v}\n" for v, q_ in names.items())
                       + "  recode:\n    iro_supportive: {1: 5, 2: 4, 4: 2, 5: 1, 99: -99}\n")
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    rewrite(extracts["iro"], canonical, codebook, "iro")
    assert main(ingest_args(extracts, out_a)) == 0
    mapped = dict(extracts, iro=path)
    assert main(ingest_args(mapped, out_b, mapping)) == 0, capsys.readouterr().err
    summary = (out_b / "validation.txt").read_text()
    assert "FREE_TEXT_COMMENT" in summary and "renamed" in summary
    for dataset in DATASETS:
        a = pd.read_parquet(out_a / "data" / f"{dataset}.parquet")
        b = pd.read_parquet(out_b / "data" / f"{dataset}.parquet")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_real_extracts_are_never_tracked():
    """Only test fixtures are tracked: the synthetic extracts are build outputs."""
    tracked = subprocess.run(["git", "ls-files", "*.sav", "*.zsav", "*.por"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert all(p.startswith("tests/fixtures/") for p in tracked), tracked


def test_the_example_mapping_is_valid(codebook):
    from iro_stats.read.mapping import load_mapping

    mapping = load_mapping(ROOT / "data" / "mapping.example.yaml", codebook)
    assert set(mapping) == {"iro", "manager", "dcs"}


# --------------------------------------------------------------------------- gaps that got through


def test_a_count_outside_the_codebooks_range(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[4, "iro_caseload"] = 1e9
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_caseload: values outside the codebook's range 0-200" in err and "X004" in err


def test_two_dcss_for_one_authority(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "dcs")
    frame.loc[3, "la_code"] = frame.loc[1, "la_code"]
    rewrite(extracts["dcs"], frame, codebook, "dcs")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "more than one respondent for one LA" in err and "X001, X003" in err
    assert "exclude the others in the mapping" in err


def test_a_declared_missing_range_that_covers_valid_codes(extracts, tmp_path, capsys, codebook,
                                                          la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    pyreadstat.write_sav(frame, str(extracts["iro"]),
                         missing_ranges={"iro_supportive": [{"lo": 4.0, "hi": 99.0}]})
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "iro_supportive: missing values declared in the .sav cover valid codes; values 4, 5" \
        in err


def test_a_variable_with_no_valid_answer(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "manager")
    frame["mgr_location"] = -99.0
    rewrite(extracts["manager"], frame, codebook, "manager")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "mgr_location: no valid answer in any of the 6 rows" in err


def test_a_routed_item_its_few_askees_left_unanswered_is_a_warning(codebook, la_frame):
    """Asked of fewer than MIN_ASKED rows, none answering is plausible data: a warning, not an
    error; asked of MIN_ASKED or more, it is an error (a wrong mapping or a dropped question)."""
    frame = small_frame(codebook, la_frame, "iro", n=8)
    la_codes = set(la_frame["la_code"])
    for asked, usable in ((MIN_ASKED - 1, True), (MIN_ASKED, False)):
        frame["iro_protocol_aware"] = [1.0] * asked + [0.0] * (8 - asked)
        frame["iro_protocol_freq"] = [-99.0] * asked + [-98.0] * (8 - asked)
        report = validate(Extract("iro", "<iro>", frame), codebook, la_codes)
        found = [p for p in (report.warnings if usable else report.errors)
                 if p.variable == "iro_protocol_freq"]
        assert report.usable is usable and found, report.summary()
        assert f"no valid answer in any of the 8 rows ({asked} asked)" in found[0].problem


def test_rows_without_an_id_are_named_by_their_number(extracts, tmp_path, capsys, codebook,
                                                      la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[[1, 2], "iro_id"] = ["", "X000"]
    frame.loc[1, "iro_supportive"] = 9.0
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "blank respondent id" in err and "row 2" in err
    assert "iro_supportive: codes not in" in err and "first: row 2" in err


def test_an_unknown_authority_gets_the_la_advice(extracts, tmp_path, capsys, codebook, la_frame):
    frame = small_frame(codebook, la_frame, "iro")
    frame.loc[0, "la_code"] = "Bristol"
    rewrite(extracts["iro"], frame, codebook, "iro")
    err = run_failing(ingest_args(extracts, tmp_path / "out"), capsys, tmp_path / "out")
    assert "LA codes not in the LA frame" in err and "by name, ONS or DfE code" in err
    assert "Recode them" not in err
