"""The exported SPSS syntax, run by GNU PSPP on a .sav of a constructed frame, gives the engine's
B, Beta, R2 and N for every full and final model (PSPP has no backward selection: selection is the
engine's, the syntax replays the chosen models on the same estimation samples)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from test_models import SPEC_PATH, make_frame

from iro_stats.stats import models
from iro_stats.reference import model_spec
from iro_stats.stats import design
from iro_stats.reference.loaders import MissingCodes
from iro_stats.render import spss_models

PSPP = shutil.which("pspp")
pytestmark = pytest.mark.skipif(
    PSPP is None, reason="GNU PSPP is not installed (apt-get install -y pspp): the exported SPSS "
                         "syntax is not checked")


def read_tables(text: str) -> list[tuple[str, list[list[str]]]]:
    """PSPP's CSV output as (title, rows) in output order."""
    tables = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith("Table: "):
            tables.append((lines[0][len("Table: "):], list(csv.reader(io.StringIO(
                "\n".join(lines[1:]))))))
    return tables


def number(cell: str) -> float:
    return float(cell) if cell.strip() else np.nan


@pytest.fixture(scope="module")
def pspp_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pspp")
    frame = make_frame(180, seed=21)
    spec = model_spec.load_spec(SPEC_PATH)
    results = models.fit_models(frame, spec)
    sav = frame.copy()
    sav["la_code"] = sav["la_code"].fillna("").astype(str)
    import pyreadstat

    pyreadstat.write_sav(sav, str(tmp / "iro.sav"))
    numeric = " ".join(c for c in sav.columns if c != "la_code")
    preamble = (f"GET FILE='{tmp / 'iro.sav'}'.\nSET FORMAT=F20.10.\nSET TVARS=NAMES.\n"
                f"FORMATS {numeric} (F20.10).\n")
    syntax = spss_models.regression_syntax(spec, results, MissingCodes(-99, -98))
    (tmp / "run.sps").write_text(preamble + syntax, encoding="utf-8")
    out = tmp / "out.csv"
    proc = subprocess.run([PSPP, "-o", str(out), "-O", "format=csv", str(tmp / "run.sps")],
                          capture_output=True, text=True, check=False, timeout=120,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    return frame, spec, results, read_tables(out.read_text(encoding="utf-8"))


def regressions(tables):
    """Per REGRESSION command, in order: dependent, R2, N (ANOVA total df + 1), {var: (B, Beta)}."""
    out, current = [], None
    for title, rows in tables:
        dependent = title[title.index("(") + 1:-1] if "(" in title else None
        if title.startswith("Model Summary"):
            current = {"dependent": dependent, "r2": number(rows[1][1])}
            out.append(current)
        elif title.startswith("ANOVA"):
            total = next(r for r in rows if r and r[0] == "Total")
            current["n"] = int(float(total[2])) + 1
        elif title.startswith("Coefficients"):
            current["coef"] = {r[0]: (number(r[1]), number(r[3])) for r in rows[2:]}
    return out


def test_syntax_is_checked_on_models_that_matter(pspp_run):
    """The constructed data make the check bite: a final model keeps the location block, and a
    final model drops a predictor with missing values (so only the FILTER gives the same N)."""
    frame, spec, results, _ = pspp_run
    assert "location" in results["model_b"].final_predictors
    widened = [name for name, r in results.items()
               if r.final_predictors and design.design(
                   frame, spec, name, tuple(r.final_predictors)).y.size > r.final.n]
    assert widened


def test_pspp_reproduces_b_beta_r2_and_n(pspp_run):
    _, spec, results, tables = pspp_run
    runs = regressions(tables)
    expected = [(name, kind, fit) for name, r in results.items()
                for kind, fit in (("full", r.full), ("final", r.final)) if len(fit.terms) > 1]
    assert len(runs) == len(expected)
    for run, (name, kind, fit) in zip(runs, expected):
        where = f"{name} {kind}"
        assert run["dependent"] == spec.models[name].outcome, where
        assert run["n"] == fit.n, where
        assert run["r2"] == pytest.approx(fit.r2, abs=1e-6), where
        names = ["(Constant)"] + spss_models.spss_names(spec, fit.terms[1:])
        assert list(run["coef"]) == names, where
        got = pd.DataFrame(run["coef"], index=["b", "beta"]).T
        np.testing.assert_allclose(got["b"], fit.b, atol=1e-6, err_msg=where)
        np.testing.assert_allclose(got["beta"].iloc[1:], fit.beta[1:], atol=1e-6, err_msg=where)
