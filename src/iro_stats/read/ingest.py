"""Ingest: read every extract, validate it, and keep it as typed columnar files with a ledger.

All extracts are checked before anything is written, and the run stops (``ExtractError``) with
every problem of every file if one is unusable. The validated frames keep the codebook's codes
(-99, -98 included) with value labels as metadata; the analysis applies the missing codes
(:mod:`iro_stats.dataset.analysis`). The ledger accounts for every row read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from iro_stats.common.atomic import atomic_path, write_csv, write_text
from iro_stats.read.spss import Extract, ExtractError, read_extract
from iro_stats.read.validate import Report, validate
from iro_stats.reference.loaders import missing_codes

REQUIRED = ("iro", "manager", "dcs")
OPTIONAL = ("cafcass_enquiry", "cafcass_referral", "la_attributes")
DATASETS = REQUIRED + OPTIONAL


def _empty(dataset: str, codebook: dict, la_codes: set[str]) -> pd.DataFrame:
    """An optional extract that was not supplied: no rows (LA attributes: every LA, not
    answered)."""
    names = [v["name"] for v in codebook["datasets"][dataset]["variables"]]
    if dataset == "la_attributes":
        frame = pd.DataFrame({"la_code": sorted(la_codes)})
        for name in names[1:]:
            frame[name] = float(missing_codes(codebook).not_answered)
        return frame
    return pd.DataFrame({name: pd.Series(dtype="float64") for name in names})


def ingest(paths: dict[str, str | None], codebook: dict, la_codes: set[str],
           mapping: dict | None = None, la_frame: pd.DataFrame | None = None
           ) -> tuple[dict[str, pd.DataFrame], list[Report]]:
    """Read and validate the extracts in ``paths`` (dataset -> .sav path; optional datasets may
    be absent or None). Returns the validated frames and the validation reports."""
    unknown = sorted(set(paths) - set(DATASETS))
    if unknown:
        raise ExtractError(f"unknown extract(s) {', '.join(unknown)} (known: {', '.join(DATASETS)})")
    absent = [d for d in REQUIRED if not paths.get(d)]
    if absent:
        raise ExtractError(f"no extract given for {', '.join(absent)}: set its path in config.yaml")
    reports, failures = [], []
    for dataset in DATASETS:
        if not paths.get(dataset):
            continue
        try:
            extract = read_extract(paths[dataset], dataset, codebook, mapping, la_frame)
        except ExtractError as exc:   # a mapping's too (MappingError)
            failures.append(str(exc))
            continue
        reports.append(validate(extract, codebook, la_codes))
    failures += [r.summary() for r in reports if not r.usable]
    if failures:
        raise ExtractError("extracts not usable, nothing written:\n" + "\n".join(failures))
    frames = {r.extract.dataset: _with_labels(r.extract) for r in reports}
    for dataset in DATASETS:
        frames.setdefault(dataset, _empty(dataset, codebook, la_codes))
    return frames, reports


def excluded_rows(reports: list[Report]) -> pd.DataFrame:
    """The rows the mapping excluded (``exclude``), for the ledger, with their reasons."""
    return pd.DataFrame([{"dataset": r.extract.dataset, "row": row, "id": ident,
                          "status": "excluded", "reason": reason}
                         for r in reports for row, ident, reason in r.extract.excluded],
                        columns=["dataset", "row", "id", "status", "reason"])


def _with_labels(extract: Extract) -> pd.DataFrame:
    frame = extract.frame.reset_index(drop=True)
    frame.attrs = {"source": extract.path, "value_labels": {
        k: {str(c): t for c, t in v.items()} for k, v in extract.value_labels.items()}}
    return frame


def ledger(frames: dict[str, pd.DataFrame], codebook: dict,
           supplied: set[str]) -> pd.DataFrame:
    """One row per row read: ``dataset, row, id, status, reason``. Every validated row is kept;
    a respondent without an LA code is kept but excluded from the LA-level dataset."""
    parts = []
    for dataset, frame in frames.items():
        if dataset not in supplied:
            continue
        id_name = codebook["datasets"][dataset]["id"]
        no_la = frame["la_code"].isna() | (frame["la_code"].astype(str).str.strip() == "")
        parts.append(pd.DataFrame({
            "dataset": dataset, "row": range(1, len(frame) + 1), "id": frame[id_name].astype(str),
            "status": "kept",
            "reason": no_la.map({True: "no LA code: in respondent statistics, not in the "
                                       "LA-level dataset", False: ""})}))
    return pd.concat(parts, ignore_index=True)


def write(frames: dict[str, pd.DataFrame], reports: list[Report], outdir: str | Path,
          ledger_frame: pd.DataFrame, ledger_path: str | Path, report_path: str | Path) -> None:
    """Write the validated frames as parquet (``<outdir>/<dataset>.parquet``), the ledger and the
    validation report. Each file is written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    outdir = Path(outdir)
    for dataset, frame in frames.items():
        # the labels go in as pandas' own attrs metadata (read_parquet restores them), added
        # after the conversion: with them on the frame, pandas deep-copies them per column
        bare = frame.copy(deep=False)
        bare.attrs = {}
        table = pa.Table.from_pandas(bare, preserve_index=False)
        if frame.attrs:
            table = table.replace_schema_metadata(
                {**table.schema.metadata, b"PANDAS_ATTRS": json.dumps(frame.attrs)})
        with atomic_path(outdir / f"{dataset}.parquet") as tmp:
            pq.write_table(table, tmp)
    write_csv(ledger_path, ledger_frame)
    write_text(report_path, "\n\n".join(r.summary() for r in reports) + "\n")


def read_frames(indir: str | Path) -> dict[str, pd.DataFrame]:
    """The validated frames written by :func:`write`, without their value labels (they stay in
    the files' metadata; pandas would deep-copy them with every operation on a frame)."""
    indir = Path(indir)
    frames = {d: pd.read_parquet(indir / f"{d}.parquet") for d in DATASETS}
    for frame in frames.values():
        frame.attrs = {}
    return frames


def check_file(path, dataset: str, codebook_path, la_frame_path, mapping_path=None) -> Report:
    """One extract read and validated against the codebook: its validation report."""
    from iro_stats.read.mapping import load_mapping
    from iro_stats.reference.loaders import load_codebook, load_la_frame

    codebook = load_codebook(codebook_path)
    la_frame = load_la_frame(la_frame_path)
    extract = read_extract(path, dataset, codebook, load_mapping(mapping_path, codebook),
                           la_frame)
    return validate(extract, codebook, set(la_frame["la_code"]))


def ingest_files(paths: dict[str, str], codebook_path, la_frame_path, mapping_path, outdir,
                 ledger_path, report_path) -> str:
    """Every extract of ``paths`` ingested (:func:`ingest`) and written (:func:`write`); returns
    the validation summaries and the ledger's count."""
    from iro_stats.read.mapping import load_mapping
    from iro_stats.reference.loaders import load_codebook, load_la_frame

    codebook = load_codebook(codebook_path)
    la_frame = load_la_frame(la_frame_path)
    frames, reports = ingest(paths, codebook, set(la_frame["la_code"]),
                             load_mapping(mapping_path, codebook), la_frame)
    rows = ledger(frames, codebook, {r.extract.dataset for r in reports})
    rows = pd.concat([rows, excluded_rows(reports)], ignore_index=True)
    write(frames, reports, outdir, rows, ledger_path, report_path)
    kept = int((rows["status"] == "kept").sum())
    return "\n".join([*(r.summary() for r in reports),
                      f"ledger: {len(rows)} rows read, {kept} kept"])
