"""Published beside reproduced, for every value of ``published.yaml``, with a verdict.

The reproduced numbers come from the code that makes the tables and models: every value with a
spec is measured by :func:`iro_stats.stats.reproduce.reproduce` (the value engine of the tables), and
Table A.3 comes from the models' own comparison (:func:`iro_stats.stats.models.compare_published`).

Columns: ``id, source, group, statistic, base_n_published, base_n_reproduced, published,
reproduced, abs_diff, tolerance, status, note``. The tolerance is half a unit of the printed
precision; ``match`` means the exact reproduced value rounds half-up to the printed one (and the
base N agrees where one is printed); ``mismatch`` otherwise, with the reason where it is known (the
report's own inconsistencies, ``data/reference/report_inconsistencies.yaml``); ``not_computable``
with the reason (no extract carries the number, or the engine cannot yet measure it).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd

from iro_stats.common.errors import ReferenceDataError
from iro_stats.common.rounding import exact, for_review, prints_as
from iro_stats.reference.loaders import parse_yaml, range_text
from iro_stats.stats.disclosure import ACROSS as ACROSS_OUTPUTS

COLUMNS = ["id", "source", "group", "statistic", "decimals", "label", "quote", "base_n_published",
           "base_n_reproduced", "published", "reproduced", "abs_diff", "tolerance", "status",
           "note"]
# what a statistic is of, in the reasons (base N: the answers it is computed on)
OF = {"percent": "valid percent of {n} answers", "mean": "mean of {n} answers",
      "sd": "SD of {n} answers", "r": "r over {n} pairs", "p": "p over {n} pairs",
      "count": "count", "range": "range of {n} answers",
      "beta": "standardised beta of the final model", "r2": "R² of the final model"}


def load_inconsistencies(path: str | Path, published: pd.DataFrame) -> pd.DataFrame:
    """The reviewed list of the report's own inconsistencies: ``id, kind, arithmetic``; every id
    must be a published value."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    document = parse_yaml(path.read_text(encoding="utf-8")) or []
    frame = pd.DataFrame(document, columns=["id", "kind", "arithmetic"])
    unknown = sorted(set(frame["id"]) - set(published["id"]))
    if unknown:
        raise ReferenceDataError(f"{path}: ids not in published.yaml: {', '.join(unknown)}")
    if frame["id"].duplicated().any():
        raise ReferenceDataError(f"{path}: ids listed twice: "
                                 f"{', '.join(frame.loc[frame['id'].duplicated(), 'id'])}")
    return frame


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (tuple, list)):
        return None
    return float(value)


def _abs_diff(row) -> float | None:
    if row["statistic"] == "range" and isinstance(row["reproduced"], tuple):
        low, high = row["reproduced"]
        return max(abs(low - row["value_min"]), abs(high - row["value_max"]))
    published, reproduced = _number(row["value"]), _number(row["reproduced"])
    if published is None or reproduced is None:
        return None
    return abs(reproduced - published)


def _shown(value):
    if isinstance(value, tuple):
        return f"{value[0]:g}-{value[1]:g}"
    return value


def _base_printed(row) -> str | None:
    if pd.isna(row["base_n_min"]):
        return None
    low, high = int(row["base_n_min"]), int(row["base_n_max"])
    return f"{low}" if low == high else f"{low}-{high}"


def _reason(row, status: str) -> str:
    """Why a judged value matches or not, in words (the engine's verdict restated: the exact
    value, what it rounds to, and the base it was judged on)."""
    decimals, reproduced = int(row["decimals"]), row["reproduced"]
    if isinstance(reproduced, tuple):
        ends = f"{for_review(reproduced[0], decimals)}-{for_review(reproduced[1], decimals)}"
        if pd.notna(row["words_min"]):
            interval = f"{row['words_min']:g}-{row['words_max']:g}"
            return (f"both ends of {ends} {'lie within' if status == 'match' else 'are not both in'}"
                    f" the {interval} that the words admit (\"{row['quote']}\")")
        return (f"both ends of {ends} round to the printed range" if status == "match"
                else f"reproduced range {ends} does not round to the printed one")
    shown_exact = for_review(reproduced, decimals)
    base = row["base_n_reproduced"]
    of = OF.get(row["statistic"], row["statistic"]).format(
        n=int(base) if pd.notna(base) else "?")
    if pd.notna(row["words_min"]):
        interval = f"{row['words_min']:g}-{row['words_max']:g}"
        where = "within" if status == "match" else "outside"
        return f"{shown_exact} is {where} the {interval} that the words admit (\"{row['quote']}\"); {of}"
    printed = row["value"]
    shown = f"{printed:.{decimals}f}"
    if row["statistic"] == "count":
        return f"counted {shown_exact}" + (", as printed" if status == "match" else
                                           f", printed {shown}")
    rounds = f"{shown_exact} rounds to the printed {shown}" if status == "match" or _rounds(
        reproduced, printed, decimals) else f"{shown_exact} does not round to the printed {shown}"
    printed_base = _base_printed(row)
    if printed_base and pd.notna(base) and row["statistic"] in ("percent", "mean", "sd", "r", "p"):
        inside = int(row["base_n_min"]) <= base <= int(row["base_n_max"])
        rounds += (f"; base {int(base)} " + ("as printed" if printed_base == f"{int(base)}" else
                   f"{'within' if inside else 'outside'} the printed N={printed_base}"))
    return f"{rounds}; {of}"


def _rounds(reproduced, printed, decimals: int) -> bool:
    return prints_as(exact(float(reproduced)), printed, decimals)


def published_vs_reproduced(published: pd.DataFrame, reproduced: pd.DataFrame,
                            models: pd.DataFrame | None,
                            inconsistencies: pd.DataFrame) -> pd.DataFrame:
    """One row per published value (see the module docstring). ``reproduced`` is the output of
    :func:`iro_stats.stats.reproduce.reproduce`, ``models`` that of ``model_comparison.compare_published``."""
    keep = ["id", "reproduced", "base_n_reproduced", "status", "note"]
    if "suppression" in reproduced.columns:
        keep.append("suppression")
    table = published.merge(reproduced[keep].rename(columns={"note": "engine_note"}), on="id",
                            how="left")
    if models is not None and len(models):
        fitted = models.dropna(subset=["id"]).set_index("id")
        for column, source in (("reproduced", "reproduced"), ("status", "status")):
            table[column] = table[column].astype(object)
            hit = table["id"].isin(fitted.index)
            table.loc[hit, column] = table.loc[hit, "id"].map(fitted[source])
        hit = table["id"].isin(fitted.index)
        table.loc[hit, "engine_note"] = table.loc[hit, "id"].map(
            lambda i: "Table A.3: not in the reproduced final model"
            if pd.isna(fitted.loc[i, "reproduced"]) else "Table A.3, final model: significance "
            + ("agrees" if fitted.loc[i, "significance_matches"] else "differs"))
    reasons = inconsistencies.set_index("id")["arithmetic"]
    rows = []
    for row in table.to_dict("records"):
        status = row["status"]
        note = row["engine_note"] if isinstance(row["engine_note"], str) else ""
        if status in ("pending", "not_computable") or pd.isna(status):
            status = "not_computable"
            note = note or (row["not_computable"] if isinstance(row["not_computable"], str)
                            else "no spec")
        elif status == "approximate":
            status = "mismatch"
            note = "printed in words, an approximation that the exact figure does not round to"
        elif (row["block"] == "ta_3" or not note) and (
                isinstance(row["reproduced"], tuple) or _number(row["reproduced"]) is not None):
            note = "; ".join(filter(None, [_reason(row, status), note]))
        if status == "mismatch" and row["id"] in reasons.index:
            note = f"report inconsistency: {reasons[row['id']]}"
        if isinstance(row.get("suppression"), str) and row["suppression"]:
            note = ("suppressed (across outputs: another table, figure or value hides it, or "
                    "it would give a hidden count back)" if row["suppression"] == ACROSS_OUTPUTS
                    else f"suppressed ({row['suppression']}: a count below the disclosure "
                         "threshold)")
        decimals = int(row["decimals"])
        rows.append({
            "id": row["id"], "source": row["source"], "group": row["group"],
            "statistic": row["statistic"], "decimals": decimals, "label": row["label"],
            "quote": row["quote"],
            "base_n_published": _base_printed(row),
            "base_n_reproduced": row["base_n_reproduced"],
            "published": (row["value"] if pd.notna(row["value"])
                          else range_text(row["value_min"], row["value_max"])),
            "reproduced": _shown(row["reproduced"]),
            "abs_diff": _abs_diff(row),
            "tolerance": float(Fraction(1, 2) / 10 ** decimals),
            "status": status, "note": note})
    return pd.DataFrame(rows, columns=COLUMNS)


def read_comparison(path) -> pd.DataFrame:
    """The comparison CSV as :func:`published_vs_reproduced` made it: printed bases and the
    reproduced values (numbers or words) kept as text, and only empty cells missing (a label
    "None" stays a label)."""
    return pd.read_csv(path, dtype={"base_n_published": str, "reproduced": object},
                       keep_default_na=False, na_values=[""])


def write_comparison(frames_dir, specs_path, published_path, models_comparison_path,
                     inconsistencies_path, threshold: int | None, csv_out,
                     plan_path=None) -> dict[str, int]:
    """Every published value measured on the analysis frames of ``frames_dir``, Table A.3 taken
    from the models' comparison, written beside the published values (CSV), suppressed at
    ``threshold`` (None: no disclosure control) and as the disclosure plan of every output
    (``plan_path``) says. Returns the count per status."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.stats.disclosure import protect_measured
    from iro_stats.stats.measures import load_resolved
    from iro_stats.stats.reproduce import reproduce

    published, specs, resolved = load_resolved(published_path, specs_path)
    measured = reproduce(read_analysis_frames(frames_dir), resolved, published,
                         specs["pending"])
    if threshold is not None:
        measured = protect_measured(measured, threshold)
    if plan_path:
        from iro_stats.stats.disclosure_plan import hide_planned_values

        measured = hide_planned_values(measured, resolved, pd.read_csv(plan_path))
    table = published_vs_reproduced(published, measured, pd.read_csv(models_comparison_path),
                                    load_inconsistencies(inconsistencies_path, published))
    write_csv(csv_out, table)
    return table["status"].value_counts().to_dict()


def write_report(comparison_csv, frames_dir, specs_path, published_path, consistency_path,
                 run: dict, html_out, places: dict) -> None:
    """The reviewers' HTML report of the comparison CSV (:func:`write_comparison`), with the
    report's self-audit and the provenance of ``run`` (source, seed) and of the analysis frames
    of ``frames_dir``. ``places``: the files the report links to (``layouts``, ``models``,
    ``notebooks``, ``units``, ``figures``: the figures folder, ``figure_data``: their CSVs;
    ``mapping``: the real exports' mapping, if any; ``statements``, ``degenerate``: the
    plausibility audit's CSVs, if any; ``verdicts``: the Table A.3 verdicts' CSV, if any;
    ``threshold``: the disclosure threshold when disclosure control applies)."""
    import os

    from iro_stats.common.atomic import write_text
    from iro_stats.reference.loaders import load_published
    from iro_stats.report import html
    from iro_stats.report.locate import Locator

    table, published = read_comparison(comparison_csv), load_published(published_path)
    inputs = {p.name: str(p) for p in sorted(Path(frames_dir).glob("*.parquet"))}
    inputs.update({"published.yaml": str(published_path), "specs": str(specs_path)})
    if places.get("mapping"):
        inputs["mapping"] = str(places["mapping"])
    here = Path(html_out).resolve().parent
    locator = Locator(published_path, specs_path, places["layouts"], places["models"],
                      places["notebooks"], os.path.relpath(Path(places["figures"]).resolve(), here))
    figures = {Path(p).stem: pd.read_csv(p) for p in places["figure_data"]}
    units = (parse_yaml(Path(places["units"]).read_text(encoding="utf-8")) or {})["units"]
    write_text(html_out, html.render(
        table, published, locator, figures, pd.read_csv(consistency_path),
        html.provenance(run, inputs), run["source"], units,
        os.path.relpath(Path.cwd(), here),
        (pd.read_csv(places["statements"]), pd.read_csv(places["degenerate"]))
        if places.get("statements") else None,
        pd.read_csv(places["verdicts"]) if places.get("verdicts") else None,
        places.get("threshold")))
