"""The synthetic datasets: respondents placed in the LA skeleton, the authority-level values
planned (:mod:`.la_answers`), then the answers generated and the authority-level values written
into them; Table A.3's models are calibrated last (:mod:`.table_a3`).

``generate`` returns one frame per codebook dataset with canonical variable names and SPSS codes
(the codebook's missing codes: -99 not answered, -98 not applicable); writing them as .sav is
:mod:`.sav`'s job.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from iro_stats.reference.loaders import missing_codes
from iro_stats.reference.model_spec import ModelSpec, load_spec
from iro_stats.common.seeds import stream
from iro_stats.dataset.analysis import LA_COLUMNS
from iro_stats.synth import joint, la_answers, table_a3
from iro_stats.synth.la_structure import build as build_skeleton
from iro_stats.synth.statements import statement_targets
from iro_stats.synth.respondents import (
    codes_where,
    generate_variable,
    order,
    routing_needs,
    targets_by_variable,
)

CATEGORICAL = ("categorical", "ordinal", "binary")
# Table 6.1 prints 25 + 11 + 6 + 6 + 2 = 50 authorities but a total of 49 (and section 6.1 says
# 49, with 1 to 9 enquiries each, 104 in all). One LA fewer with a single enquiry keeps the total,
# the range and the 104 enquiries: 24 x 1, 11 x 2, 6 x 3, 6 x 4, then 7 and 9.
ENQUIRIES_PER_LA = [1] * 24 + [2] * 11 + [3] * 6 + [4] * 6 + [7, 9]
# Section 6.5: eight referred cases, 14 children; three cases from one LA, two with none known.
CHILDREN_PER_CASE = [3, 2, 2, 2, 2, 1, 1, 1]


def _respondents(skeleton: pd.DataFrame, column: str, id_name: str, prefix: str,
                 extra_without_la: int = 0) -> pd.DataFrame:
    codes = skeleton.loc[skeleton.index.repeat(skeleton[column]), "la_code"].tolist()
    codes += [""] * extra_without_la
    frame = pd.DataFrame({id_name: [f"{prefix}{i + 1:04d}" for i in range(len(codes))],
                          "la_code": codes})
    return frame


def _join_la(frame: pd.DataFrame, la: pd.DataFrame) -> pd.DataFrame:
    present = [c for c in LA_COLUMNS if c in la.columns]
    return frame.merge(la[["la_code", *present]], on="la_code", how="left")


def numeric_targets(dataset: str, resolved: dict, published: pd.DataFrame) -> dict[str, dict]:
    """Published ranges (``range``) and numbers of missing answers (``missing``, from counts of
    rows ``where: <var>.isna()``) of the numeric variables of ``dataset``."""
    rows = published.set_index("id")
    out: dict[str, dict] = {}
    for pid, spec in resolved.items():
        if spec.get("dataset") != dataset:
            continue
        row = rows.loc[pid]
        if row["statistic"] == "range" and spec.get("var"):
            out.setdefault(spec["var"], {})["range"] = (row["value_min"], row["value_max"])
        where = spec.get("where") or ""
        if row["statistic"] == "count" and where.endswith(".isna()") and "." not in where[:-7]:
            out.setdefault(where[:-7], {})["missing"] = int(row["value"])
    return out


def _numeric(var: dict, n: int, rng, not_answered: int, target: dict | None = None
             ) -> np.ndarray:
    """Plausible values in the codebook's range; a published range is met at both ends, and a
    published number of missing answers is left ``not_answered`` (-99)."""
    low, high = (target or {}).get("range", var["range"])
    centre = low + (high - low) / 3
    values = rng.normal(centre, (high - low) / 4, size=n).clip(low, high)
    values = values.round() if var["kind"] == "count" else values.round(1)
    rows = rng.permutation(n)
    missing = (target or {}).get("missing", 0)
    values[rows[:missing]] = not_answered
    if "range" in (target or {}) and n - missing >= 2:
        values[rows[missing]], values[rows[missing + 1]] = low, high
    return values


def generate_dataset(base: pd.DataFrame, dataset: str, codebook: dict, resolved: dict,
                     published: pd.DataFrame, rng, relaxed: list[dict],
                     derived: dict | None = None,
                     extra: dict[str, list[dict]] | None = None) -> pd.DataFrame:
    """Every codebook variable of ``dataset`` for the rows of ``base`` (ids, la_code, LA columns);
    ``extra`` adds targets per variable (e.g. counts that LA-level values need, the report's
    statements in words)."""
    spec = codebook["datasets"][dataset]
    missing = missing_codes(codebook)
    frame = base.copy()
    targets = targets_by_variable(dataset, resolved, published, codebook)
    for name, more in (extra or {}).items():
        targets[name] = [*targets.get(name, []), *more]
    todo = [v for v in spec["variables"] if v["name"] not in frame.columns]
    needs = routing_needs(todo, targets, codebook)
    numeric = numeric_targets(dataset, resolved, published)
    clustered = _cluster_level(frame, dataset, codebook, resolved, published, rng, relaxed)
    frame = frame.join(clustered)
    todo = [v for v in todo if v["name"] not in clustered.columns]
    for k, var in enumerate(order(todo, targets)):
        name = var["name"]
        if k % 40 == 39:
            frame = frame.copy()  # defragment: columns are added one at a time
        if var["kind"] in CATEGORICAL:
            frame[name] = generate_variable(frame, var, targets.get(name, []), codebook, rng,
                                            relaxed, needs.get(name, []))
        elif var["kind"] in ("count", "continuous"):
            frame[name] = _numeric(var, len(frame), rng, missing.not_answered, numeric.get(name))
        elif var["kind"] == "text":
            frame[name] = ""
    derived = derived or {}
    across = [{**t, "var": name} for name in derived if name in targets for t in targets[name]]
    for pid in joint.calibrate(frame, derived, across, targets, missing, rng):
        relaxed.append({"id": pid, "conflict": "not reached by the swap search across items"})
    return frame.copy()


def _answers(dataset: str, joined: pd.DataFrame, codebook: dict, resolved: dict,
             published: pd.DataFrame, seed: int, derived: dict | None, more: dict,
             correlations: list[dict]) -> tuple[pd.DataFrame, list[dict]]:
    """One dataset's answers (:func:`generate_dataset`, then its correlations calibrated), and
    the published values they could not honour, in the order met."""
    relaxed: list[dict] = []
    frame = generate_dataset(joined, dataset, codebook, resolved, published,
                             stream(seed, "synth", "answers", dataset), relaxed, derived, more)
    missing = missing_codes(codebook)
    for target in correlations:
        if not joint.calibrate_r(frame, target["var"], target["with"], target["where"], target,
                                 missing, stream(seed, "synth", "correlation", target["id"])):
            relaxed.append({"id": target["id"], "conflict": "not reached by the swap search"})
    return frame, relaxed


def _in_processes(function, tasks: dict, jobs: int) -> dict:
    """``function(*arguments)`` for each of ``tasks`` (name -> arguments), in up to ``jobs``
    forked processes (in this one when ``jobs`` is 1 or fork is not available), results in the
    order of ``tasks``; the first tasks should be the longest."""
    import multiprocessing

    if jobs <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return {name: function(*arguments) for name, arguments in tasks.items()}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(jobs, len(tasks)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {name: pool.submit(function, *arguments) for name, arguments in tasks.items()}
        return {name: future.result() for name, future in futures.items()}


def _cluster_level(frame: pd.DataFrame, dataset: str, codebook: dict, resolved: dict,
                   published: pd.DataFrame, rng, relaxed: list[dict]) -> pd.DataFrame:
    """Variables published as counts of clusters (``count: distinct:<cluster>`` with a ``where``
    on one variable, e.g. referred cases where the guardian agreed): generated once per cluster
    and repeated on its rows. Returns those columns, indexed like ``frame``."""
    rows = published.set_index("id")
    variables = {v["name"]: v for v in codebook["datasets"][dataset]["variables"]}
    per_var: dict[str, tuple[str, list[dict]]] = {}
    for pid, spec in resolved.items():
        how = spec.get("count", "")
        if spec.get("dataset") != dataset or not how.startswith("distinct:"):
            continue
        cluster = how.removeprefix("distinct:")
        names = [w for w in variables if w in (spec.get("where") or "")]
        if cluster == "la_code" or cluster not in frame.columns or len(names) != 1:
            continue
        var = variables[names[0]]
        if var["kind"] not in CATEGORICAL:
            continue
        codes = codes_where(codebook, var, spec["where"])
        target = {"id": pid, "statistic": "count", "value": int(rows.loc[pid, "value"]),
                  "codes": codes, "where": None, "decimals": 0, "base_min": None,
                  "base_max": None}
        per_var.setdefault(var["name"], (cluster, []))[1].append(target)
    out = pd.DataFrame(index=frame.index)
    for name, (cluster, targets) in per_var.items():
        clusters = pd.DataFrame({cluster: frame[cluster].drop_duplicates().to_numpy()})
        clusters[name] = generate_variable(clusters, variables[name], targets, codebook, rng,
                                           relaxed)
        out[name] = frame[[cluster]].merge(clusters, on=cluster, how="left")[name].to_numpy()
    return out


def _correlation_targets(resolved: dict, published: pd.DataFrame) -> list[dict]:
    """Published correlations on respondent datasets (footnote 15), with their base."""
    rows = published.set_index("id")
    out = []
    for pid, spec in resolved.items():
        row = rows.loc[pid]
        if row["statistic"] != "r" or spec.get("dataset") == "la" or not spec.get("with"):
            continue
        out.append({"id": pid, "dataset": spec["dataset"], "var": spec["var"],
                    "with": spec["with"], "where": spec.get("where") or "index == index",
                    "value": row["value"], "decimals": int(row["decimals"]),
                    "base_min": None if pd.isna(row["base_n_min"]) else int(row["base_n_min"]),
                    "base_max": None if pd.isna(row["base_n_max"]) else int(row["base_n_max"])})
    return out


def _inspected_after(skeleton: pd.DataFrame, correlations: list[dict], rng) -> np.ndarray:
    """Synthetic 'inspected after April 2011' flags: where a correlation is published over IROs
    of such LAs (footnote 15: N=161), the flagged LAs hold that many IROs plus a few more, so
    that with some answers missing the base can be met; other LAs are drawn at random."""
    flags = rng.integers(0, 2, len(skeleton)).astype(float)
    target = next((t for t in correlations if "ofsted_after_apr2011" in t["where"]
                   and t["dataset"] == "iro" and t["base_min"]), None)
    if target is not None:
        with_iros = np.flatnonzero(skeleton["n_iro"].to_numpy() > 0)
        goal = target["base_min"] + 4
        order = rng.permutation(with_iros)
        flags[with_iros] = 0
        total = 0
        for i in order:   # greedy in random order, then the exact remainder from a small LA
            n = int(skeleton["n_iro"].iloc[i])
            if total + n <= goal:
                flags[i], total = 1, total + n
    flags[(skeleton["la_code"] == "IOS").to_numpy()] = np.nan
    return flags


def _model_spec(model_spec) -> ModelSpec | None:
    if model_spec is None or isinstance(model_spec, ModelSpec):
        return model_spec
    return load_spec(model_spec)


def generate(la_frame: pd.DataFrame, codebook: dict, resolved: dict, published: pd.DataFrame,
             seed: int, derived: dict | None = None,
             model_spec: ModelSpec | str | Path | None = None,
             progress=None, statements: dict | None = None, jobs: int = 1
             ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """All synthetic datasets, deterministic for a seed, and the published values (and the
    report's statements in words) that had to be dropped because they conflict with others
    (``id, conflict``). With a models spec (the config's ``models``) Table A.3 is calibrated at
    the end (:mod:`.table_a3`); ``None`` leaves it out. ``statements``: the catalogue of the
    report's words (``statements.yaml``), honoured where it can be (:mod:`.statements`).
    ``jobs``: processes for the respondents' answers (each dataset draws from streams of its
    own, so the data do not depend on it)."""
    def rng(*stage: str):   # one random stream per stage (iro_stats.common.seeds)
        return stream(seed, "synth", *stage)

    spec = _model_spec(model_spec)
    missing = missing_codes(codebook)
    say = progress or (lambda message: None)
    say("responding authorities and LA-level plan")
    skeleton = build_skeleton(la_frame, published, rng("la_structure"))
    relaxed: list[dict] = []
    la_targets = la_answers.la_targets(resolved, published)
    # ratings re-dealt among responders for Section 6.1 before any answer depends on them
    la, enquiry_las = la_answers.deal_enquiries(skeleton, la_targets, ENQUIRIES_PER_LA,
                                                rng("enquiries"), relaxed)
    correlations = _correlation_targets(resolved, published)
    la["ofsted_after_apr2011"] = _inspected_after(skeleton, correlations, rng("inspections"))
    facts = la_answers.plan(la, la_targets, rng("la_plan"), relaxed)
    la["lac_2012"] = facts["lac_2012"]                         # footnote 8
    la.loc[la["la_code"] == "IOS", ["ofsted_after_apr2011", "lac_2012"]] = [np.nan, 0]
    bases = {
        "iro": _respondents(skeleton, "n_iro", "iro_id", "I", extra_without_la=1),
        "manager": _respondents(skeleton, "n_manager", "mgr_id", "M"),
        "dcs": _respondents(skeleton, "n_dcs", "dcs_id", "D"),
    }
    enquiries = [code for code, n in enquiry_las for _ in range(n)]
    bases["cafcass_enquiry"] = pd.DataFrame({
        "enquiry_id": [f"E{i + 1:04d}" for i in range(len(enquiries))], "la_code": enquiries})
    case_las = list(rng("referred_cases").choice(skeleton["la_code"], size=4, replace=False))
    case_la = [case_las[0]] * 3 + case_las[1:] + ["", ""]   # 3 cases from one LA, 2 unknown
    children = [(case + 1, case_la[case]) for case, n in enumerate(CHILDREN_PER_CASE)
                for _ in range(n)]
    bases["cafcass_referral"] = pd.DataFrame({
        "child_id": [f"R{i + 1:03d}" for i in range(len(children))],
        "ref_case_id": [case for case, _ in children], "la_code": [la for _, la in children]})
    extra = la_answers.enquiry_targets(resolved, published, la_targets, ENQUIRIES_PER_LA, codebook)
    tasks = {}
    for dataset, base in bases.items():
        more = dict(extra.get(dataset) or {})
        for var, targets in (statement_targets(statements, dataset, codebook)
                             if statements else {}).items():
            more[var] = [*more.get(var, []), *targets]
        tasks[dataset] = (dataset, _join_la(base, la), codebook, resolved, published, seed,
                          (derived or {}).get(dataset), more,
                          [t for t in correlations if t["dataset"] == dataset])
    say("answers: " + ", ".join(f"{dataset} {len(base)} rows" for dataset, base in bases.items())
        + (f", {jobs} processes" if jobs > 1 else ""))
    frames = {}
    for dataset, (frame, conflicts) in _in_processes(_answers, tasks, jobs).items():
        frames[dataset] = frame
        relaxed += conflicts
    say("LA-level answers written into their sources")
    la_answers.write(frames, facts, la_targets, codebook, resolved, published, rng("la_answers"),
                     relaxed)
    if spec is not None:      # Table A.3 last: the IRO answers, location and duties are final
        say("Table A.3 calibration")
        conflicts = table_a3.calibrate(frames, facts, spec, published, resolved,
                                       (derived or {}).get("iro"), missing, rng("table_a3"))
        relaxed += table_a3.relaxed_entries(conflicts, spec)
    attributes = la[["la_code", "ofsted_lac", "ofsted_after_apr2011", "lac_2012"]].copy()
    attributes[["ofsted_lac", "ofsted_after_apr2011"]] = (   # Scilly: no inspection, -99
        attributes[["ofsted_lac", "ofsted_after_apr2011"]].fillna(missing.not_answered))
    frames["la_attributes"] = attributes
    return frames, pd.DataFrame(relaxed, columns=["id", "conflict"])


def write_extracts(published_path, codebook_path, la_frame_path, specs_path, models_path,
                   seed: int, scale: int, outdir, relaxed_out, progress=print,
                   statements_path=None, jobs: int = 1) -> None:
    """:func:`generate` from the reference files (and the statements in words, if given),
    scaled ``scale`` times (benchmarks), written as ``<outdir>/<dataset>.sav`` with the relaxed
    published values and statements as CSV."""
    import time

    from iro_stats.reference.loaders import load_codebook, load_la_frame
    from iro_stats.stats.measures import load_resolved

    published, specs, resolved = load_resolved(published_path, specs_path)
    codebook = load_codebook(codebook_path)
    start = time.perf_counter()

    def say(message: str) -> None:
        progress(f"[{time.perf_counter() - start:5.1f} s] {message}")

    statements = None
    if statements_path:
        from iro_stats.reference.statements import load_statements

        statements = load_statements(statements_path)
    frames, relaxed = generate(load_la_frame(la_frame_path), codebook, resolved,
                               published, seed, specs["derived"], models_path, say, statements,
                               jobs)
    if scale != 1:
        from iro_stats.synth.scale import scale_frames

        frames = scale_frames(frames, scale)
    write_frames(frames, relaxed, codebook, outdir, relaxed_out, progress)


def write_frames(frames: dict[str, pd.DataFrame], relaxed: pd.DataFrame, codebook: dict, outdir,
                 relaxed_out, progress=print) -> None:
    """The generated ``frames`` as ``<outdir>/<dataset>.sav`` (byte-stable) and the ``relaxed``
    published values and statements as CSV."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.render import sav

    for dataset, frame in frames.items():
        sav.write(frame, dataset, codebook, Path(outdir) / f"{dataset}.sav")
        progress(f"{dataset}: {len(frame)} rows")
    write_csv(relaxed_out, relaxed)
    progress(f"{len(relaxed)} published values or statements conflict with others and were not "
             f"imposed: "
             f"{', '.join(relaxed['id'])}")
