"""The exported SPSS syntax for the descriptive values (tables.sps), run by GNU PSPP on the .sav
files of the synthetic default, gives every count, valid N, percentage, mean, SD, range and r
the pipeline reproduces (counts exactly, the others to 1e-6; p to the 3 decimals PSPP prints).
The PSPP tests skip only where PSPP cannot be found; the translation checks run everywhere."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

from iro_stats.stats import measures
from iro_stats.reference.specs import load_specs
from iro_stats.render import sav, spss_tables

PSPP = shutil.which("pspp")
needs_pspp = pytest.mark.skipif(
    PSPP is None, reason="GNU PSPP is not installed (apt-get install -y pspp): the exported SPSS "
                         "syntax of the descriptive tables is not run")
TOLERANCE = 1e-6
P_PRINTED = 5e-4 + 1e-9   # PSPP prints significance to 3 decimals


def run_pspp(folder, syntax="tables.sps") -> str:
    """Run ``syntax`` from ``folder`` (it opens the .sav files beside it); PSPP's CSV output."""
    out = folder / "out.csv"
    proc = subprocess.run([PSPP, "-o", str(out), "-O", "format=csv", syntax], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=120,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    text = out.read_text(encoding="utf-8")
    notes = [item for kind, item in spss_tables.output_items(text) if kind == "text"]
    problems = [n for n in [log, *notes] if "error" in n.lower() or "warning" in n.lower()]
    assert not problems, "\n".join(problems)
    return text


@pytest.fixture(scope="module")
def specs():
    return load_specs(ROOT / "specs" / "values.yaml")


@pytest.fixture(scope="module")
def statistics(published):
    return published.set_index("id")["statistic"].to_dict()


@pytest.fixture(scope="module")
def exported(synthetic, specs, statistics, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spss_tables")
    plan, paths = spss_tables.write(synthetic["analysis"], synthetic["resolved"], statistics,
                                    specs["derived"], folder)
    return plan, paths, folder


def disagreements(pspp, reproduced, resolved) -> list[str]:
    """Every value where PSPP and the pipeline differ, named, with both numbers."""
    table = reproduced.set_index("id")
    out = []
    for row in pspp.itertuples():
        mine = table.loc[row.id]
        where = f"{row.id} ({row.statistic})"
        if row.value is None or row.n is None:
            out.append(f"{where}: no value in PSPP's output")
            continue
        if int(row.n) != int(mine.base_n_reproduced):
            out.append(f"{where}: base N {row.n} in PSPP, {mine.base_n_reproduced} in the pipeline")
        if resolved[row.id].get("range_of"):   # a range of means: both ends, as means are
            same = all(abs(a - b) <= TOLERANCE for a, b in zip(row.value, mine.reproduced))
        elif row.statistic in ("count", "range"):
            same = tuple(row.value) == tuple(mine.reproduced) if row.statistic == "range" else (
                row.value == mine.reproduced)
        else:
            tolerance = P_PRINTED if row.statistic == "p" else TOLERANCE
            same = abs(row.value - mine.reproduced) <= tolerance
        if not same:
            out.append(f"{where}: {row.value!r} in PSPP, {mine.reproduced!r} in the pipeline")
        if row.statistic == "percent":   # the valid percents PSPP prints (1 decimal), summed
            codes = len(resolved[row.id].get("codes", [1]))
            if abs(row.printed - mine.reproduced) > 0.05 * codes + 1e-9:
                out.append(f"{where}: PSPP prints {row.printed}%, the pipeline has "
                           f"{mine.reproduced}")
        if row.statistic == "r" and abs(row.printed - mine.reproduced) > P_PRINTED:
            out.append(f"{where}: CORRELATIONS prints {row.printed}, the pipeline has "
                       f"{mine.reproduced}")
    return out


# --------------------------------------------------------------------------- everywhere


def test_every_measured_value_has_a_command(exported, synthetic, statistics):
    plan, paths, folder = exported
    measured = {pid for pid in synthetic["resolved"] if statistics[pid] in spss_tables.STATISTICS}
    assert set(plan.values) == measured
    assert not plan.skipped
    text = paths["syntax"].read_text(encoding="utf-8")
    for command in ("FREQUENCIES", "DESCRIPTIVES", "CORRELATIONS", "FILTER BY", "COUNT",
                    "AGGREGATE"):
        assert command in text, command
    for name in spss_tables.ANALYSIS_DATASETS:
        assert (folder / f"{name}.sav").is_file()
        if name in plan.datasets:
            assert f"GET FILE='{name}.sav'." in text


@pytest.mark.parametrize("where, kinds, expected", [
    ("la_type == 'county_council'", {"la_type": "string"}, "la_type = 'county_council'"),
    ("x in [1, 2]", {"x": "numeric"}, "ANY(x, 1, 2)"),
    ("x != 1", {"x": "numeric"}, "(MISSING(x) OR x ~= 1)"),
    ("x != 1", {"x": "nullable"}, "x ~= 1"),
    ("x not in [3, 4]", {"x": "nullable"}, "(MISSING(x) OR NOT ANY(x, 3, 4))"),
    ("not (x == 1)", {"x": "numeric"}, "NOT (NOT MISSING(x) AND x = 1)"),
    ("1 < x", {"x": "numeric"}, "x > 1"),
    ("x.isna() and s.notna()", {"x": "numeric", "s": "string"}, "MISSING(x) AND s ~= ''"),
    ("(x == 1 or x == 2) and s == \"it's\"", {"x": "numeric", "s": "string"},
     "(x = 1 OR x = 2) AND s = 'it''s'"),
    ("not x.isna()", {"x": "numeric"}, "NOT (MISSING(x))"),
])
def test_where_translation(where, kinds, expected):
    assert spss_tables.translate_where(where, kinds) == expected


def test_untranslatable_conditions_are_refused():
    for where in ("x + 1 == 2", "x.between(1, 2)", "y == 1", "x == y"):
        with pytest.raises(spss_tables.SyntaxExportError):
            spss_tables.translate_where(where, {"x": "numeric"})


# --------------------------------------------------------------------------- in PSPP


@needs_pspp
def test_pspp_reproduces_every_value(exported, synthetic):
    plan, _, folder = exported
    pspp = spss_tables.read_output(run_pspp(folder), plan)
    assert len(pspp) == len(plan.values)
    differ = disagreements(pspp, synthetic["table"], synthetic["resolved"])
    assert not differ, f"{len(differ)} of {len(pspp)} values differ:\n" + "\n".join(differ)


@needs_pspp
def test_derived_variables_come_from_the_syntax(exported, synthetic, specs, tmp_path):
    """The same syntax on .sav files without the derived variables: COUNT builds them, and
    every value still agrees."""
    plan, paths, _ = exported
    for name in spss_tables.ANALYSIS_DATASETS:
        frame = synthetic["analysis"][name]
        sav.write_plain(frame.drop(columns=list(specs["derived"].get(name, {}))),
                              tmp_path / f"{name}.sav")
    shutil.copy(paths["syntax"], tmp_path / "tables.sps")
    pspp = spss_tables.read_output(run_pspp(tmp_path), plan)
    uses = {pid for pid, (_, spec) in plan.values.items()
            if {spec.get("var"), spec.get("with")} & set(specs["derived"].get(spec["dataset"], {}))}
    assert uses, "no value measures a derived variable"
    differ = disagreements(pspp, synthetic["table"], synthetic["resolved"])
    assert not differ, "\n".join(differ)


# conditions where SPSS's and pandas' treatment of missing values could part (!=, not, not in,
# nullable derived variables, strings), each checked against the rows pandas selects
EXTRA_WHERES = {
    "iro": ["iro_employment != 1", "not (iro_employment in [1, 2])",
            "iro_employment not in [3, 4]", "la_type != 'unitary'", "la_code.notna()",
            "la_code.isna()", "~(ofsted_lac == 1) & (lac_2012 > 100)", "iro_review_all_ok != 1",
            "not (iro_monitor_regular_n == 0)", "not (iro_monitor_regular_n in [0, 1])",
            "iro_monitor_regular_n.isna() or iro_employment >= 3", "1 < iro_employment",
            "not (iro_employment == 1 or ofsted_lac != 2)"],
    "la": ["responded != 1", "n_iro > 2 and la_type in ['unitary', 'london_borough']",
           "ofsted_lac.isna()", "not (ofsted_lac <= 2)"],
}


@needs_pspp
def test_subgroups_select_the_rows_pandas_selects(synthetic, tmp_path):
    frames = synthetic["analysis"]
    resolved, statistics, expected = {}, {}, {}
    for dataset, wheres in EXTRA_WHERES.items():
        for i, where in enumerate(wheres):
            pid = f"{dataset}.where_{i}"
            resolved[pid] = {"dataset": dataset, "count": "rows", "where": where}
            statistics[pid] = "count"
            expected[pid] = int(measures.where_mask(frames[dataset], where).sum())
    plan = spss_tables.plan(frames, resolved, statistics)
    for dataset in EXTRA_WHERES:
        sav.write_plain(frames[dataset], tmp_path / f"{dataset}.sav")
    (tmp_path / "where.sps").write_text(spss_tables.syntax(plan), encoding="utf-8")
    pspp = spss_tables.read_output(run_pspp(tmp_path, "where.sps"), plan).set_index("id")
    differ = [f"{resolved[pid]['dataset']}: {resolved[pid]['where']}: PSPP selects "
              f"{pspp.loc[pid, 'value']} rows, pandas {n}"
              for pid, n in expected.items() if pspp.loc[pid, "value"] != n]
    assert not differ, "\n".join(differ)
