"""The synthetic datasets reproduce the published values (measured by the same engine as the
tables), apart from a reviewed list of gaps that the generator does not close yet."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from iro_stats.dataset.analysis import analysis_frames
from iro_stats.reference.loaders import missing_codes
from iro_stats.reference.specs import load_specs


# The report's own inconsistencies (data/reference/report_inconsistencies.yaml, each with its
# arithmetic): the only published values allowed to differ, apart from the generator gaps below.
REPORT_INCONSISTENCIES = {
    entry["id"] for entry in yaml.safe_load(
        (ROOT / "data" / "reference" / "report_inconsistencies.yaml").read_text(encoding="utf-8"))}

# Not yet reproduced by the generator: none (approximations in words are targets now; those that
# contradict an exact published value are among the report's inconsistencies, kind words).
GENERATOR_GAPS: set[str] = set()


@pytest.fixture(scope="module")
def generated(synthetic):
    """The session's one generation of the default seed (conftest: synthetic)."""
    return synthetic["frames"], synthetic["relaxed"], synthetic["table"]


def test_only_the_reports_own_conflicts_are_relaxed(generated):
    _, relaxed, _ = generated
    assert len(relaxed) and set(relaxed["id"]) <= REPORT_INCONSISTENCIES


def test_published_values_are_reproduced_apart_from_the_listed_gaps(generated):
    _, _, table = generated
    mismatches = set(table.loc[table["status"] == "mismatch", "id"])
    unexpected = mismatches - REPORT_INCONSISTENCIES - GENERATOR_GAPS
    assert not unexpected, table[table["id"].isin(unexpected)].to_string()
    matched = (table["status"] == "match").sum()
    assert matched >= 469, f"only {matched} values match"


def test_approximations_in_words_are_met_or_give_way(generated, published):
    """Every value printed in words lies in its interval (a range in words: each of its parts),
    unless it contradicts an exact value (kind words in the reviewed list): then the words were
    relaxed and the exact value holds."""
    _, relaxed, table = generated
    listed = yaml.safe_load((ROOT / "data" / "reference" / "report_inconsistencies.yaml")
                            .read_text(encoding="utf-8"))
    words_conflicts = {e["id"] for e in listed if e.get("kind") == "words"}
    status = table.set_index("id")["status"]
    judged = [i for i in published.loc[published["words_min"].notna(), "id"]
              if status[i] in ("match", "mismatch")]
    assert len(judged) >= 20
    for pid in judged:
        if pid in words_conflicts:
            assert status[pid] == "mismatch" and pid in set(relaxed["id"]), pid
        else:
            assert status[pid] == "match", pid


def test_listed_inconsistencies_are_really_mismatches(generated):
    """The reviewed list stays true: a listed value that the data reproduce must leave it."""
    _, _, table = generated
    reproduced = REPORT_INCONSISTENCIES & set(table.loc[table["status"] == "match", "id"])
    assert not reproduced, f"reproduced, so not an inconsistency: {sorted(reproduced)}"


def test_statistics_across_items_are_reached(generated):
    """Derived across several items: all six review tasks, none of the four monitoring tasks,
    number of regular QA tasks (section 4.2 and Table 4.5)."""
    _, _, table = generated
    ids = ["s3_2.all_review_tasks", "s3_3.none_regularly", "s4_2.no_qa_task_regular",
           "s4_2.one_qa_task_regular", "t4_5.able_tasks_0", "t4_5.not_able_tasks_1", "t4_5.base",
           # mean and SD together with every percentage of Table 5.1's columns
           "t5_1.iro_mean", "t5_1.iro_sd", "t5_1.manager_sd", "t5_1.dcs_sd", "s5_2.iro_rating_4_5",
           # satisfaction with the manager vs Ofsted rating, IROs in LAs inspected after April 2011
           "fn15.r"]
    status = table.set_index("id").loc[ids, "status"]
    assert (status == "match").all(), status.to_string()


def test_gaps_listed_as_open_are_really_open(generated):
    """A gap that closes must leave the list (so the list stays the truth)."""
    _, _, table = generated
    closed = GENERATOR_GAPS & set(table.loc[table["status"] == "match", "id"])
    assert not closed, f"reproduced now, remove from GENERATOR_GAPS: {sorted(closed)}"


def test_user_missing_codes_and_routing(generated, codebook):
    frames, _, _ = generated
    iro = frames["iro"]
    assert len(iro) == codebook["datasets"]["iro"]["n_published"]
    routed_out = iro["iro_nonduties"] != 1
    assert (iro.loc[routed_out, "iro_nonduty_time"] == -98).all()
    assert (iro.loc[~routed_out, "iro_nonduty_time"] != -98).all()
    assert iro["iro_id"].is_unique


def test_the_same_seed_gives_the_same_data(generated_extracts):
    """The session's generation, written as the workflow writes it (conftest:
    ``generated_extracts``), has the bytes that the recorded run of the workflow wrote
    (``tests/data/output_checksums.txt``, recorded with OpenBLAS on its Haswell kernels; the
    session's on the machine's own), in another process with its own string hashing: no result
    hangs on the process or the CPU, e.g. on the iteration order of a set. The workflow's rule
    generates the datasets' answers in two processes (``--jobs 2``), the session in one: nor do
    they hang on that."""
    import hashlib

    recorded = dict(line.split()[::-1] for line in
                    (ROOT / "tests" / "data" / "output_checksums.txt").read_text().splitlines()
                    if "results/synthetic/" in line and line.endswith(".sav"))
    written = sorted((generated_extracts / "results" / "synthetic").glob("*.sav"))
    assert len(recorded) == len(written) == 6
    for path in written:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == recorded[f"results/synthetic/{path.name}"], path.name


def test_tasks_in_forked_processes_come_back_in_order_and_errors_reach_the_caller():
    """``_in_processes`` (the answers of each dataset in a process of its own): the results of
    two processes are those of one, in the order of the tasks, and a task's error is raised in
    the caller. In a fresh interpreter: the test process has threads, and fork copies none."""
    import subprocess
    import sys

    code = """
from iro_stats.synth.surveys import _in_processes
from iro_stats.common.errors import IroStatsError
def task(n, fail=False):
    if fail:
        raise IroStatsError(f"task {n} failed")
    return [n] * n
tasks = {name: (n,) for name, n in [("c", 3), ("a", 1), ("b", 2), ("d", 4)]}
assert list(_in_processes(task, tasks, 2).items()) == list(_in_processes(task, tasks, 1).items())
assert list(_in_processes(task, tasks, 2)) == ["c", "a", "b", "d"]
try:
    _in_processes(task, {**tasks, "e": (5, True)}, 2)
except IroStatsError as error:
    print(error)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "task 5 failed"


def test_sav_files_carry_labels_and_missing_declarations(generated, codebook, tmp_path):
    """(Bytes that do not hang on the clock: the test above, against a run made earlier.)"""
    import pyreadstat

    from iro_stats.render import sav

    frames, _, _ = generated
    sav.write(frames["iro"], "iro", codebook, tmp_path / "a.sav")
    data, meta = pyreadstat.read_sav(tmp_path / "a.sav", user_missing=True)
    variables = {v["name"]: v for v in codebook["datasets"]["iro"]["variables"]}
    assert list(data.columns) == list(variables)
    assert len(data) == 295
    assert meta.column_names_to_labels["iro_time_in_la"] == variables["iro_time_in_la"]["label"]
    labels = meta.variable_value_labels["iro_time_in_la"]
    assert labels[1.0] == "Less than 1 year" and labels[-99.0] == "Not answered"
    assert meta.missing_ranges["iro_time_in_la"] == [
        {"lo": -99.0, "hi": -99.0}, {"lo": -98.0, "hi": -98.0}]
    assert meta.variable_measure["iro_time_in_la"] == "ordinal"
    # user-missing codes come back as values only with user_missing=True
    plain, _ = pyreadstat.read_sav(tmp_path / "a.sav")
    assert plain["iro_nonduty_time"].isna().sum() == (data["iro_nonduty_time"] < 0).sum()


@pytest.fixture(scope="module")
def la_level(generated, la_frame, codebook):
    frames, _, _ = generated
    specs = load_specs(ROOT / "specs" / "values.yaml")
    return analysis_frames(frames, specs["derived"], la_frame, missing_codes(codebook))


def test_sources_of_an_authority_give_one_service_fact(generated):
    """Every manager and the DCS of an authority answer the same location, employed IROs and
    caseloads, so the LA dataset's 'manager first, else DCS' rule never has to choose."""
    frames, _, _ = generated
    facts = ["location", "emp_own", "emp_sessional", "emp_agency", "caseload_lac",
             "caseload_cp_incl", "caseload_total"]
    both = pd.concat([
        frames["manager"][["la_code", *[f"mgr_{f}" for f in facts]]].set_axis(
            ["la_code", *facts], axis=1),
        frames["dcs"][["la_code", *[f"dcs_{f}" for f in facts]]].set_axis(
            ["la_code", *facts], axis=1)])
    assert (both.groupby("la_code")[facts].nunique() == 1).all().all()


def test_location_groups_leave_room_for_the_models(la_level):
    """Table A.3 compares locations with 'other departments' and keeps IROs without location
    information as a group: the reference group holds 10-22% of the IROs with a location
    (calibration notes), every location group has IROs, and a sizeable group has none."""
    location = la_level["iro"]["la_location"]
    located = location.notna().sum()
    share = Fraction(int((location == 5).sum()), int(located))
    assert Fraction(10, 100) <= share <= Fraction(22, 100)
    for codes in ([1], [2], [3], [4], [6, 7]):
        assert location.isin(codes).sum() >= 4, codes
    assert location.isna().sum() >= len(location) // 4


def test_non_iro_duties_are_routed_and_named(generated):
    frames, _, _ = generated
    kinds = ["cp", "reviews", "training", "qa", "complaints", "lado", "other"]
    for dataset, gate in (("iro", "iro_nonduties"), ("dcs", "dcs_iro_nonduties")):
        frame = frames[dataset]
        items = [f"{dataset}_nonduty_{kind}" for kind in kinds]
        yes = frame[gate] == 1
        assert (frame.loc[~yes, items] == -98).all().all()
        assert frame.loc[yes, items].isin([0, 1]).all().all()
        assert (frame.loc[yes, items].sum(axis=1) >= 1).all()   # a yes names some duty


def test_every_authority_with_iros_or_managers_has_a_protocol(la_level):
    """Section 3.5.1: all authorities have a dispute resolution protocol; its scope always
    covers children's services."""
    la = la_level["la"]
    reached = la["protocol"].notna()
    assert reached.sum() >= la["responded_iro"].sum()
    assert (la.loc[reached, "protocol"] == 1).all()
    assert (la["scope_childrens"].dropna() == 1).all()


def test_synthetic_authority_attributes_carry_no_names(generated, la_frame):
    """Synthetic ratings and looked-after children are keyed by the register code only; the
    looked-after children are plausible by LA type (counties most, unitaries fewest)."""
    frames, _, _ = generated
    attributes = frames["la_attributes"]
    assert list(attributes.columns) == ["la_code", "ofsted_lac", "ofsted_after_apr2011", "lac_2012"]
    names = set(la_frame["name"]) | set(la_frame["short_name"])
    assert not names & set(attributes.astype(str).to_numpy().ravel())
    by_type = attributes.merge(la_frame[["la_code", "la_type"]]).groupby("la_type")["lac_2012"]
    medians = by_type.median()
    assert medians["county_council"] > medians["metropolitan_district"] > medians["unitary"]
    assert attributes["lac_2012"].between(0, 2500).all()



def test_every_statement_in_words_holds_and_no_record_breaks_the_logic(synthetic):
    """On the default seed: each statement of data/reference/statements.yaml holds (the
    quantifiers, orderings and the questionnaire's logic, on every record)."""
    from iro_stats.stats.statements import audit, violations

    verdicts = audit(synthetic["analysis"], synthetic["statements"])
    assert (verdicts["verdict"] == "holds").all(), verdicts[verdicts["verdict"] != "holds"]
    ids = {"iro": "iro_id", "manager": "mgr_id", "dcs": "dcs_id"}
    assert violations(synthetic["analysis"], synthetic["statements"], ids).empty
    assert not set(synthetic["relaxed"]["id"]) & {s["id"] for s in
                                                 synthetic["statements"]["statements"]}


def test_no_variable_is_degenerate(synthetic, codebook, published):
    """No constant variable and no empty inner category of a scale, unless the report says so
    (a 0% printed, an "all" or "none" in words, a printed mean that forces a hole)."""
    from iro_stats.stats import degenerate

    found = degenerate.scan(synthetic["analysis"], codebook,
                            degenerate.expected_empty(synthetic["resolved"], published),
                            degenerate.expected_constant(synthetic["statements"]),
                            degenerate.printed_means(synthetic["resolved"], published))
    assert found.empty, found.to_string()