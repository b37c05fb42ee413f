"""Synthetic extracts presented as a real survey export, for the tests of the analyst's path:
written the way an online survey tool writes them, and mapped by a drafted mapping that the
analyst finishes by configuration only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def export_like_a_survey_tool(sav: Path, out: Path, dataset: str, codebook, la_names) -> dict:
    """A synthetic extract as an online survey tool exports it: Q-numbered names with the
    question as label, the LA by name, yes/no as 1/2, agreement scales reversed (with their
    value labels), checkboxes as 1 or blank, a partial response flagged ``Finished = 0``.
    Returns export name -> codebook name."""
    import pyreadstat

    frame, _ = pyreadstat.read_sav(str(sav), user_missing=True)
    variables = {v["name"]: v for v in codebook["datasets"][dataset]["variables"]}
    names = {c: f"Q{i}" for i, c in enumerate(frame.columns) if c != "la_code"}
    value_labels = {}
    for name, var in variables.items():
        if name not in frame or var.get("values") not in ("yes_no", "agreement5", "selected"):
            continue
        column, q = frame[name], names[name]
        if var["values"] == "yes_no":
            frame[name] = column.map({1.0: 1.0, 0.0: 2.0}).where(column >= 0, column)
            value_labels[q] = {1.0: "Yes", 2.0: "No"}
        elif var["values"] == "agreement5":
            frame[name] = column.where(column < 0, 6 - column)
            value_labels[q] = {6.0 - k: v for k, v in codebook["scales"]["agreement5"].items()}
        else:
            # ticked, or blank (not ticked, or not asked); a question skipped keeps its -99
            frame[name] = column.where(column.isin([1.0, -99.0]))
    labels = [f"{names[c][1:]}. {variables[c].get('question') or variables[c]['label']}"
              if c in names else "Local authority" for c in frame.columns]
    frame = frame.rename(columns={**names, "la_code": "LA"})
    if "LA" in frame:
        frame["LA"] = frame["LA"].map(lambda c: la_names.get(c, ""))
    partial = frame.iloc[[0]].copy()
    id_q = names.get(codebook["datasets"][dataset]["id"], "LA")
    partial[id_q] = "PARTIAL-1"
    frame["Finished"], partial["Finished"] = 1.0, 0.0
    frame = pd.concat([frame, partial], ignore_index=True)
    pyreadstat.write_sav(frame, str(out), column_labels=[*labels, "Finished"],
                         compress=out.suffix == ".zsav",
                         variable_value_labels=value_labels)
    return {q: c for c, q in names.items()}


def export_and_map(frames: dict[str, pd.DataFrame], datasets, folder: Path, codebook,
                   la_frame) -> tuple[dict[str, Path], dict]:
    """The ``datasets`` of ``frames`` written as survey-tool exports into ``folder`` (through the
    .sav files the workflow writes; the first as a compressed .zsav) and the drafted mapping of
    each, its REVIEW lines settled as an analyst would. Asserts that the settled draft names
    every variable right. Returns the export paths and the mapping."""
    import yaml

    from iro_stats.read.draft import draft
    from iro_stats.render import sav

    la_names = dict(zip(la_frame["la_code"], la_frame["name"]))
    mapping, paths = {}, {}
    for dataset in datasets:
        written = folder / f"{dataset}.written.sav"
        sav.write(frames[dataset], dataset, codebook, written)
        paths[dataset] = folder / f"{dataset} export.{'zsav' if not paths else 'sav'}"
        truth = export_like_a_survey_tool(written, paths[dataset], dataset, codebook, la_names)
        written.unlink()
        text, proposals = draft(paths[dataset], dataset, codebook, la_frame)
        section = yaml.safe_load(text)[dataset]
        for p in proposals:            # the analyst settles what the draft marks REVIEW
            if p.review:
                section["rename"][p.export] = truth[p.export]
        assert all(section["rename"].get(q, c) == c for q, c in truth.items()), dataset
        mapping[dataset] = section
    return paths, mapping
