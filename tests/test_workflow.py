"""The Snakemake workflow: its DAG, its lint, and a real run of its rules into a scratch folder."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED, scratch_snakemake

from iro_stats.cli import main

SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def _snakemake(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*SNAKEMAKE, *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_dry_run_shows_the_whole_dag_and_the_bootstrap_fans_out(tmp_path, synthetic,
                                                                generated_extracts,
                                                                monkeypatch):
    """Every rule of the default run, and no disclosure control (synthetic data); the bootstrap's
    replicates in chunks of ``bootstrap_chunk``, one job each, pooled by one job. The command
    line of the rule that generates the extracts, run as it stands (the workflow tests start
    from the session's extracts, conftest: ``generated_extracts``), with the generation's
    result given (the session's, of the same seed), writes the same bytes."""
    import shlex

    from iro_stats.synth import surveys

    result = _snakemake("-n", "-p", "--cores", "1", "--config", f"results={tmp_path}/results",
                        "replicates=10000", "bootstrap_chunk=500")
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    for rule in ("published_catalogue", "codebook_variables", "la_frame_check",
                 "synthetic_extracts", "ingest", "la_dataset", "models", "reproduction",
                 "reproduction_report", "notebooks", "all"):
        assert f"rule {rule}:" in out
    for rule in ("disclosure_plan", "disclosure_audit"):
        assert f"rule {rule}:" not in out
    jobs = [line.split() for line in result.stdout.splitlines()]
    counts = {row[0]: int(row[1]) for row in jobs if len(row) == 2 and row[1].isdigit()}
    assert counts["bootstrap_chunk"] == 20 and counts["bootstrap"] == 1

    block = out.split("rule synthetic_extracts:", 1)[1]
    words = shlex.split(re.search(r"^Shell command: (.*)$", block, re.M).group(1))
    argv = words[words.index("iro_stats") + 1:words.index(">")]
    seeds = []
    monkeypatch.setattr(surveys, "generate", lambda la_frame, codebook, resolved, published,
                        seed, *rest: seeds.append(seed) or (synthetic["frames"],
                                                            synthetic["relaxed"]))
    monkeypatch.chdir(ROOT)
    made = sorted(p for p in (generated_extracts / "results").rglob("*") if p.is_file())
    for folder in {p.parent for p in made}:
        (tmp_path / folder.relative_to(generated_extracts)).mkdir(parents=True, exist_ok=True)
    assert main(argv) == 0 and seeds == [SEED]
    for path in made:
        written = tmp_path / path.relative_to(generated_extracts)
        assert written.read_bytes() == path.read_bytes(), path.name


def test_lint_reports_only_environment_advice():
    result = _snakemake("--lint")
    text = result.stdout + result.stderr
    findings = [line.strip() for line in text.splitlines() if line.startswith("    * ")]
    assert findings, "lint printed nothing: the parser of its output needs updating"
    other = [f for f in findings if "conda environment or container" not in f]
    assert not other, "\n".join(other)


def test_an_invalid_config_is_refused(tmp_path):
    bad = tmp_path / "config.yaml"
    bad.write_text("results: results\nreference: {published: p.txt, codebook: c.yaml, "
                   "la_frame: l.csv}\n")
    result = _snakemake("-n", "--cores", "1", "--configfile", str(bad))
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "p.txt" in message and "does not match" in message


@pytest.fixture(scope="module")
def workflow_run(workflow_project):
    """The results of the session's one default workflow run (conftest: workflow_project)."""
    return workflow_project / "results"


def test_the_workflow_writes_the_catalogue(workflow_run, published):
    values = pd.read_csv(workflow_run / "reference" / "published_values.csv")
    assert list(values["id"]) == list(published["id"])
    summary = pd.read_csv(workflow_run / "reference" / "catalogue_summary.csv")
    assert summary["n_values"].sum() == len(published)
    audit = pd.read_csv(workflow_run / "audit" / "published_consistency.csv")
    assert set(audit["verdict"]) <= {"consistent", "inconsistent", "approximate"}
    for log in ("published_catalogue", "codebook_variables", "la_frame_check"):
        assert (workflow_run / "logs" / f"{log}.log").exists()


def test_the_workflow_ingests_every_row_and_builds_the_la_dataset(workflow_run, published):
    ledger = pd.read_csv(workflow_run / "ledger.csv", keep_default_na=False)
    assert ledger.groupby("dataset").size().to_dict() == {
        "iro": 295, "manager": 65, "dcs": 60, "cafcass_enquiry": 104, "cafcass_referral": 14,
        "la_attributes": 152}
    assert (ledger["status"] == "kept").all()
    assert (ledger["reason"] != "").sum() >= 1          # the IRO who gave no LA
    la = pd.read_parquet(workflow_run / "data" / "analysis" / "la.parquet")
    assert len(la) == 152 and la["la_code"].is_unique
    assert "la_name" not in la.columns
    # Tables A.1 and A.2, laid out from the LA dataset, against published.yaml
    values = published.set_index("id")["value"]
    for block, table in (("ta_1", "table_a1"), ("ta_2", "table_a2")):
        frame = pd.read_csv(workflow_run / "tables" / f"{table}.csv").set_index("row")
        for row, cells in frame.iterrows():
            for column, cell in cells.dropna().items():
                pid = f"{block}.{row}_{column}"
                if pid in values.index and column != "responses_pct":
                    assert cell == values[pid], pid
    stats = pd.read_csv(workflow_run / "tables" / "la_statistics.csv")
    appendix = stats[stats["block"].isin(["ta_1", "ta_2", "sa_2"])]
    assert (appendix["status"] == "match").all(), appendix[appendix["status"] != "match"]


def _layout_ids(section: str) -> list[str]:
    from iro_stats.stats.tables import load_layouts

    files = (sorted((ROOT / "specs" / "tables").glob("*.yaml")) if section == "tables"
             else [ROOT / "specs" / "figures.yaml"])
    return list(load_layouts(files, section))


def _judge(cell, row) -> bool | None:
    """Whether a cell's exact value prints as the published value (None: not judged)."""
    from fractions import Fraction

    from iro_stats.common.rounding import prints_as

    if row.approximate and pd.isna(row.words_min):
        return None
    decimals = int(row.decimals)
    if row.statistic == "range":
        low, high = (Fraction(v) for v in str(cell.exact).split("-"))
        if pd.notna(row.words_min):        # in words: both ends within the words' interval
            return Fraction(str(row.words_min)) <= low and high <= Fraction(str(row.words_max))
        return prints_as(low, str(row.value_min), decimals) and prints_as(
            high, str(row.value_max), decimals)
    exact = Fraction(str(cell.exact))
    if pd.notna(row.words_min):
        return Fraction(str(row.words_min)) <= exact <= Fraction(str(row.words_max))
    ok = prints_as(exact, str(row.value), decimals)
    if pd.notna(row.base_n_min) and row.statistic in ("percent", "mean", "sd", "r", "p"):
        ok = ok and int(row.base_n_min) <= cell.base_n <= int(row.base_n_max)
    return ok


def _check_workbook(path: Path, table_ids: list[str]) -> None:
    """The workbook for people: a contents sheet linking every table's sheet, in the report's
    order, each sheet titled as the report, its header frozen, Tables A.1-A.3 at the end."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = book.sheetnames
    assert sheets[0] == "Contents" and len(sheets) == 1 + len(table_ids) + 3
    assert sheets[-3:] == ["Table A.1", "Table A.2", "Table A.3"]
    assert sheets.index("Executive summary text") < sheets.index("Table 2.1") < sheets.index(
        "Appendix A text")
    contents = book["Contents"]
    links = [c.hyperlink.location for c in contents["A"] if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in sheets[1:]]
    assert "Synthetic data" in contents["A2"].value
    t32 = book["Table 3.2"]
    assert t32["A1"].value.startswith("Table 3.2 IROs who were always or often able")
    assert t32.freeze_panes == "B5" and t32["A5"].value.startswith("Chair the meeting")
    assert t32["B5"].value == 98 and t32["B5"].number_format == "0"
    assert book["Table A.3"]["B5"].value == "0.331*"


def test_the_workflow_writes_every_table_and_figure(workflow_run, published):
    """Each table as CSV, HTML and a workbook sheet, each figure as PNG, SVG and its data; every
    published value they carry, judged here against published.yaml, matches apart from the
    report's own inconsistencies and the generator's listed gaps."""
    from synth.test_surveys import GENERATOR_GAPS, REPORT_INCONSISTENCIES

    tables_dir, figures_dir = workflow_run / "tables", workflow_run.parent / "figures"
    table_ids = _layout_ids("tables")
    figure_ids = _layout_ids("figures")
    _check_workbook(tables_dir / "tables.xlsx", table_ids)
    cells = []
    for tid in table_ids:
        cells.append(pd.read_csv(tables_dir / f"{tid}.csv"))
        html = (tables_dir / f"{tid}.html").read_text(encoding="utf-8")
        assert "<table" in html and cells[-1]["table"].iloc[0] == tid
    for fid in figure_ids:
        assert (figures_dir / f"{fid}.png").stat().st_size > 10_000
        assert "<svg" in (figures_dir / f"{fid}.svg").read_text(encoding="utf-8")
        cells.append(pd.read_csv(workflow_run / "figures" / f"{fid}.csv"))
    html = (tables_dir / "t2_1.html").read_text(encoding="utf-8")
    assert "N=295 IROs" in html and "Less than 1 year" in html
    cells = pd.concat(cells, ignore_index=True)
    carried = cells.dropna(subset=["published_id"])
    rows = published.set_index("id")
    differing, judged = set(), 0
    for cell in carried.itertuples():
        row = rows.loc[cell.published_id]
        if pd.isna(cell.exact):           # no spec: pending or not computable, with the reason
            assert cell.status in ("pending", "not_computable") and pd.notna(cell.note)
            continue
        ok = _judge(cell, row)
        if ok is None:
            continue
        judged += 1
        assert (cell.status == "match") == ok, cell.published_id
        if not ok:
            differing.add(cell.published_id)
    unexpected = differing - REPORT_INCONSISTENCIES - GENERATOR_GAPS
    assert not unexpected, sorted(unexpected)
    report_blocks = {b for b in published["block"] if b[0] in "tf" and b[1].isdigit()}
    in_report = set(published.loc[published["block"].isin(report_blocks), "id"])
    assert in_report <= set(carried["published_id"]), sorted(in_report - set(
        carried["published_id"]))
    assert judged >= 440 and carried["published_id"].nunique() >= 450
    # every percentage has its Wilson interval around it, the corrected one inside it
    percents = cells[(cells["statistic"] == "percent") & cells["value"].notna()]
    assert (percents["ci_low"] <= percents["value"] + 1e-9).all()
    assert (percents["value"] <= percents["ci_high"] + 1e-9).all()
    corrected = percents.dropna(subset=["ci_low_fpc"])
    assert len(corrected) > 300 and (corrected["ci_low_fpc"] >= corrected["ci_low"] - 1e-9).all()


def test_the_cli_reports_a_bad_file_without_traceback(tmp_path):
    out = tmp_path / "values.csv"
    result = subprocess.run(
        [sys.executable, "-m", "iro_stats", "reference", "catalogue",
         "--published", str(tmp_path / "missing.yaml"), "--values-out", str(out),
         "--summary-out", str(tmp_path / "s.csv"), "--consistency-out", str(tmp_path / "c.csv")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "missing.yaml: file not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_the_workflow_writes_the_reproduction_report_and_notebooks(workflow_run, published):
    table = pd.read_csv(workflow_run / "published_vs_reproduced.csv")
    assert list(table["id"]) == list(published["id"])
    assert set(table["status"]) <= {"match", "mismatch", "not_computable"}
    assert (table.loc[table["status"] == "not_computable", "note"].fillna("") != "").all()
    report = (workflow_run / "reproduction_report.html").read_text()
    assert "Reproduction report" in report and "Provenance" in report
    assert 'id="t3_2.meet_child"' in report and "Meet with the child" in report
    for name in ("overview", "appendix_a", "appendix_b", *(f"chapter{c}" for c in range(2, 7))):
        page = (workflow_run / "notebooks" / f"{name}.html").read_text()
        assert "Traceback" not in page and "Synthetic data:" in page


def test_no_html_output_shows_respondents(workflow_run, codebook):
    """Disclosure: no HTML output (notebooks, reports, tables) carries a respondent id or a
    respondent-level id column."""
    import re

    ids = set()
    for dataset in ("iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral"):
        frame = pd.read_parquet(workflow_run / "data" / f"{dataset}.parquet")
        ids |= set(frame[codebook["datasets"][dataset]["id"]].astype(str))
    id_columns = {spec["id"] for name, spec in codebook["datasets"].items() if name != "la_attributes"}
    pages = sorted(workflow_run.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        words = set(re.findall(r"[A-Za-z0-9_]+", text))
        assert not words & ids, (page, sorted(words & ids)[:5])
        assert not words & id_columns, (page, sorted(words & id_columns))


def test_snakemake_report_is_self_contained(workflow_run, tmp_path):
    out = tmp_path / "report.html"
    scratch_snakemake(workflow_run.parent, "--cores", "1", "--report", str(out))
    text = out.read_text(encoding="utf-8", errors="replace")
    for category in ("Reproduction", "Appendix A", "Appendix B", "Notebooks", "Chapter 3"):
        assert category in text


def test_every_rule_declares_threads_and_memory():
    """Cluster-ready: each rule states its threads and memory (and runtime) for an executor."""
    text = "\n".join(p.read_text() for p in (ROOT / "workflow" / "rules").glob("*.smk"))
    rules = len(re.findall(r"^\s*rule[ :]", text, re.MULTILINE))   # a rule defined in a loop too
    assert rules >= 10
    assert len(re.findall(r"^    threads: \d+", text, re.MULTILINE)) == rules
    assert text.count("mem_mb=") == rules
    assert text.count("runtime=") == rules


def test_disclosure_control_can_be_switched_on_for_synthetic_data(tmp_path):
    """``disclosure: {apply: always}`` puts synthetic results under the same control as real
    extracts: the plan across outputs and the audit of every published file join the run
    (without it they do not: the dry run of the whole DAG above)."""
    config = tmp_path / "disclosure.yaml"
    config.write_text(f"results: {tmp_path}/results\ndisclosure:\n  threshold: 5\n"
                      "  apply: always\n")
    result = _snakemake("-n", "--cores", "1", "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    for rule in ("disclosure_plan", "disclosure_audit"):
        assert f"rule {rule}:" in result.stdout + result.stderr


def test_disclosure_control_on_real_extracts_hides_every_small_count(spss_project, synthetic,
                                                                   published):
    """On real extracts (conftest: ``spss_project``) no LA-level statistic or reproduced value
    shows a count of 1-4 (or one derivable as base minus count), and suppressed cells are
    marked, not dropped."""
    from fractions import Fraction

    results = spss_project / "results_spss"
    stats = pd.read_csv(results / "tables" / "la_statistics.csv")
    la_level = [pid for pid in published["id"] if synthetic["resolved"].get(pid, {}).get("dataset") == "la"]
    assert list(stats["id"]) == la_level                            # marked, not dropped
    hidden = stats["suppression"].notna()
    assert hidden.sum() >= 3 and stats.loc[hidden, "reproduced"].isna().all()
    shown = stats[~hidden & stats["reproduced"].notna()]
    for row in shown.itertuples():
        if row.statistic == "count":
            assert float(row.reproduced) == 0 or float(row.reproduced) >= 5, row.id
        elif row.statistic == "percent":
            exact = Fraction(repr(float(row.reproduced)))
            count = round(exact * int(float(row.base_n_reproduced)) / 100)
            assert count == 0 or count >= 5, row.id
            rest = int(float(row.base_n_reproduced)) - count
            assert rest == 0 or rest >= 5, row.id
    comparison = pd.read_csv(results / "published_vs_reproduced.csv")
    assert comparison["note"].fillna("").str.startswith("suppressed").sum() >= hidden.sum()
    suppressed = 0
    for path in sorted((results / "tables").glob("t[0-9]*.csv")):   # the report's tables
        cells = pd.read_csv(path)
        if "suppression" not in cells.columns:
            continue
        marked = cells["suppression"].astype("string").fillna("") != ""
        suppressed += int(marked.sum())
        assert cells.loc[marked, "value"].isna().all(), path.name
        visible = cells.loc[~marked, "count"].dropna()
        assert ((visible == 0) | (visible >= 5)).all(), (path.name, visible[visible.between(1, 4)])
    assert suppressed > 0


def test_every_table_cell_and_model_accounts_for_every_row(workflow_run):
    """Row accounting: a table cell's base N + rows missing + rows outside its subgroup = the
    rows of its dataset; a model's estimation sample + rows with a model variable missing = the
    IROs read (counted here from the validated extract, independently of the models engine)."""
    ledger = pd.read_csv(workflow_run / "ledger.csv", keep_default_na=False)
    rows = ledger.groupby("dataset").size().to_dict() | {"la": 152}
    checked = 0
    for path in sorted((workflow_run / "tables").glob("*.csv")):
        frame = pd.read_csv(path)
        if not {"base_n", "excluded_n", "outside_n", "dataset"} <= set(frame.columns):
            continue
        cells = frame.dropna(subset=["base_n", "excluded_n", "outside_n"])
        total = cells["base_n"] + cells["excluded_n"] + cells["outside_n"]
        expected = cells["dataset"].map(rows)
        assert (total == expected).all(), (path.name, cells[total != expected].head())
        checked += len(cells)
    assert checked > 400
    iro = pd.read_parquet(workflow_run / "data" / "iro.parquet")
    samples = pd.read_csv(workflow_run / "models" / "samples.csv")
    for model, variables in samples.groupby("model"):
        needed = variables.loc[~variables["kept_as_category"], "variable"]
        values = iro[list(needed)]
        complete = (values.notna() & ~values.isin([-99, -98])).all(axis=1).sum()
        assert variables["n_used"].iloc[0] == complete, model
        assert variables["n_frame"].iloc[0] == len(iro) == rows["iro"]


def test_only_the_reports_own_inconsistencies_mismatch(workflow_run, published):
    """CI's check of the reproduction: every mismatch is one of the report's own
    inconsistencies, listed with its arithmetic in data/reference/report_inconsistencies.yaml;
    Table A.3 included (every beta to 3 decimals, R2 to 2, the same significance)."""
    import yaml

    listed = {e["id"] for e in yaml.safe_load(
        (ROOT / "data" / "reference" / "report_inconsistencies.yaml").read_text())}
    table = pd.read_csv(workflow_run / "published_vs_reproduced.csv")
    mismatches = set(table.loc[table["status"] == "mismatch", "id"])
    assert not mismatches - listed, sorted(mismatches - listed)
    ta3 = table[table["id"].str.startswith("ta_3.")]
    assert len(ta3) == 17 and (ta3["status"] == "match").all(), ta3
    assert (table.loc[table["id"].isin(listed) & (table["status"] == "mismatch"), "note"]
            .str.startswith("report inconsistency").all())
    assert (table["status"] == "match").sum() >= 487


def test_outputs_are_byte_identical_to_the_recorded_checksums(workflow_run):
    """Every byte-stable output of the default workflow has the checksum recorded in
    ``tests/data/output_checksums.txt``: a refactoring changes no number, label or figure. The
    record comes from another run (``tasks.py run``, other processes and BLAS kernels), so
    every figure, PNG and SVG, listed there is also byte-identical when rebuilt."""
    import hashlib

    recorded = [line.split() for line in
                (ROOT / "tests" / "data" / "output_checksums.txt").read_text().splitlines()
                if line and not line.startswith("#")]
    assert len(recorded) > 100
    names = {name for _, name in recorded}
    unlisted = [f"figures/{fid}.{ext}" for fid in _layout_ids("figures") for ext in ("png", "svg")
                if f"figures/{fid}.{ext}" not in names]
    assert not unlisted, f"figures without a recorded checksum: {unlisted}"
    changed = []
    for digest, name in recorded:
        top, _, rest = name.partition("/")
        path = (workflow_run if top == "results" else workflow_run.parent / "figures") / rest
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            changed.append(name)
    assert not changed, f"{len(changed)} outputs differ from the recorded checksums: {changed}"


def test_no_output_names_the_machine_that_made_it(workflow_project):
    """No output (results, figures; text, workbooks unzipped, binaries as bytes) contains the
    absolute path of the project or of the interpreter that made it."""
    import zipfile

    needles = {str(workflow_project).encode(), str(Path(sys.executable).parent.parent).encode(),
               str(Path.home()).encode() + b"/"}
    outputs = [p for folder in ("results", "figures") for p in
               sorted((workflow_project / folder).rglob("*")) if p.is_file()]
    assert len(outputs) > 100
    for path in outputs:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                parts = [archive.read(name) for name in archive.namelist()]
        else:
            parts = [path.read_bytes()]
        for part in parts:
            found = [n.decode() for n in needles if n in part]
            assert not found, (path.relative_to(workflow_project), found)


def test_notebooks_on_real_extracts_show_no_respondent(spss_project):
    """Under disclosure control (real extracts, conftest: ``spss_project``) no notebook shows a
    respondent id, a line of the validation report (it names rows and the files' paths) or a
    ledger count below the threshold (the IRO without an LA is 'fewer than 5')."""
    import re

    results = spss_project / "results_spss"
    ledger = pd.read_csv(results / "ledger.csv", keep_default_na=False)
    ids = {i for i in ledger["id"] if i}
    lines = [line.strip() for line in (results / "audit" / "validation.txt").read_text()
             .splitlines() if len(line.strip()) > 20]
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (results / "notebooks").glob("*.html")}
    assert len(pages) == 8 and len(ids) > 300 and lines
    for name, page in pages.items():
        words = set(re.findall(r"[A-Za-z0-9_]+", re.sub(r"data:[^\"')\s]+", "", page)))
        assert not ids & words, name                      # (embedded images left out)
        assert not [line for line in lines if line in page], name
    appendix_a = pages["appendix_a"]
    assert "fewer than 5" in appendix_a and "validation.txt" in appendix_a


def test_optional_extracts_are_optional(spss_project, synthetic):
    """Real extracts without the Cafcass records and LA attributes (conftest: ``spss_project``):
    every rule ran; the values that need them are not computable, with the reason, and the rest
    are measured."""
    table = pd.read_csv(spss_project / "results_spss" / "published_vs_reproduced.csv")
    default = synthetic["table"].set_index("id")           # the default's, every extract there
    cafcass = table["group"] == "cafcass"
    assert (table.loc[cafcass, "status"] == "not_computable").mean() > 0.5
    lost = (table["status"] == "not_computable") & table["id"].map(
        default["status"].isin(["match", "mismatch"]))    # measured with every extract
    assert lost.sum() > 20
    assert table.loc[lost, "note"].str.contains("not supplied|were its answers supplied").all()
    assert (table.loc[table["group"] == "iro", "status"] == "match").mean() > 0.8
    # the LA-level values counted from the Cafcass records: unknown, never 0
    la = pd.read_csv(spss_project / "results_spss" / "tables" / "la_statistics.csv")
    counted = la["id"].str.match(r"(t6_1|s6_1|s6_3|s6_5|s6_7)\.")
    assert counted.sum() >= 12
    assert (la.loc[counted, "status"] == "not_computable").all(), la[counted].to_string()
    assert la.loc[counted, "note"].str.contains("were its answers supplied").all()
    assert (spss_project / "results_spss" / "reproduction_report.html").is_file()
    assert not (spss_project / "results_spss" / "synthetic").exists()


def test_survey_tool_exports_through_a_drafted_mapping_give_the_default_results(
        spss_project, synthetic):
    """The path of an analyst with the real data (conftest: ``spss_project``: exports as a
    survey tool writes them, a drafted mapping finished by configuration only): every value
    disclosure control shows, and that the extracts supplied can measure, is the synthetic
    default's; the partial responses are excluded; the audit of every published file passes."""
    results = spss_project / "results_spss"
    assert "no published count below 5" in (results / "audit" / "disclosure.txt").read_text()
    assert "renamed" in (results / "audit" / "validation.txt").read_text()
    ledger = pd.read_csv(results / "ledger.csv", keep_default_na=False)
    excluded = ledger[ledger["status"] == "excluded"]
    assert sorted(excluded["dataset"]) == ["dcs", "iro", "manager"]   # one partial response each
    real = pd.read_csv(results / "published_vs_reproduced.csv").set_index("id")
    shown = ~real["note"].fillna("").str.startswith("suppressed") & (
        real["status"] != "not_computable")
    # Table A.3 (the session's in-process table has no models): every value as printed
    models = real.index.str.startswith("ta_3.")
    assert models.sum() >= 17 and (real.loc[models, "status"] == "match").all()
    default = synthetic["table"].set_index("id")
    ids = real.index[shown & ~models]
    assert len(ids) > 300 and (default.loc[ids, "status"] != "not_computable").all()
    # the same values to floating-point precision: the two runs may sum in other orders (rows
    # excluded and renamed), so a value can differ in its last bit
    numbers = [pd.to_numeric(t.loc[ids, "reproduced"], errors="coerce") for t in (real, default)]
    pd.testing.assert_series_equal(*numbers, check_exact=False, rtol=1e-9, atol=0,
                                   check_dtype=False)
    # ranges (in process a pair, in the CSV 'low-high' to 6 significant digits) and words
    default = default.assign(reproduced=default["reproduced"].map(
        lambda v: "-".join(f"{end:g}" for end in v) if isinstance(v, tuple) else v))
    words = [t.loc[ids, "reproduced"].where(n.isna()).astype("string")
             for t, n in zip((real, default), numbers)]
    pd.testing.assert_series_equal(*words)
    pd.testing.assert_series_equal(real.loc[ids, "status"], default.loc[ids, "status"])
