"""The Snakemake workflow: its DAG, its lint, and a real run of its rules into a scratch folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def _snakemake(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*SNAKEMAKE, *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_dry_run_shows_the_whole_dag(tmp_path):
    result = _snakemake("-n", "--cores", "1", "--config", f"results={tmp_path}/results")
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    for rule in ("published_catalogue", "codebook_variables", "la_frame_check",
                 "synthetic_extracts", "all"):
        assert rule in out


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
def workflow_run(tmp_path_factory):
    results = tmp_path_factory.mktemp("run") / "results"
    result = _snakemake("--cores", "2", "--config", f"results={results}")
    assert result.returncode == 0, result.stderr[-3000:]
    return results


def test_the_workflow_writes_the_catalogue(workflow_run, published):
    values = pd.read_csv(workflow_run / "reference" / "published_values.csv")
    assert list(values["id"]) == list(published["id"])
    summary = pd.read_csv(workflow_run / "reference" / "catalogue_summary.csv")
    assert summary["n_values"].sum() == len(published)
    audit = pd.read_csv(workflow_run / "audit" / "published_consistency.csv")
    assert set(audit["verdict"]) <= {"consistent", "inconsistent", "approximate"}
    for log in ("published_catalogue", "codebook_variables", "la_frame_check",
                "synthetic_extracts"):
        assert (workflow_run / "logs" / f"{log}.log").exists()


def test_the_workflow_writes_the_synthetic_extracts(workflow_run):
    import pyreadstat

    for name, rows in (("iro", 295), ("manager", 65), ("dcs", 60), ("cafcass_enquiry", 104)):
        data, _ = pyreadstat.read_sav(workflow_run / "synthetic" / f"{name}.sav")
        assert len(data) == rows
    relaxed = pd.read_csv(workflow_run / "audit" / "synthetic_relaxed.csv")
    assert len(relaxed) == 4


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
