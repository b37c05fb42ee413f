"""One disclosure decision for every published output: the measures hidden anywhere are hidden
everywhere, and so is whatever would give one of them back across outputs.

Each output suppresses its own cells first (:mod:`iro_stats.stats.disclosure`: a table's
distribution, the comparison's rows one by one). Those decisions can disagree: a table hides a
category as the secondary cell of its distribution while the comparison, row by row, shows it,
or the comparison shows every other category of a variable beside a category the table hides.
The plan starts from every output's own cells (the tables' and figures' layouts and the
comparison's measured values, built in one process), keys each by what it measures (the
disclosure audit's keys, :mod:`iro_stats.stats.disclosure_audit`) and, until nothing changes:

- hides every instance of a measure that is hidden in one output and shown in another;
- for a hidden percentage whose count the counts shown for its variable, subgroup and base give
  back (a complement, the base minus the other categories), hides the smallest shown count among
  them.

The plan (``audit/disclosure_plan.csv``: the measures' keys and published ids) is then applied
by each output's writer (:func:`hide_planned_cells`, :func:`hide_planned_values`), and the
disclosure audit re-reads the written files independently.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from iro_stats.stats import disclosure_audit as audit
from iro_stats.stats.disclosure import ACROSS

MARK = ACROSS   # the suppression reason of the cells the plan hides
COLUMNS = ["key", "pid"]


def _hide(instance: dict) -> None:
    instance.update(hidden=True, shown=False, count=np.nan)


def _next(instances: list[dict], codebook: dict | None) -> list[dict]:
    """The instances to hide next (module docstring), or none."""
    for members in audit.same_measure(instances):
        if any(c["hidden"] for c in members) and any(c["shown"] for c in members):
            return [c for c in members if c["shown"]]
    for _, known in audit.derivable(instances, codebook):
        shown = [k for k in known if k.get("column") != "base_n" and k["shown"]]
        if shown:
            return [min(shown, key=lambda k: (k["count"], k["file"], str(k["row"])))]
    return []


def plan(cells: dict[str, pd.DataFrame], measured: pd.DataFrame, resolved: dict,
         codebook: dict | None) -> pd.DataFrame:
    """The measures to hide everywhere, from each output's own suppressed cells: ``cells``
    (output name, e.g. ``tables/t2_3.csv`` -> its cells) and ``measured`` (the comparison's
    values, as :func:`iro_stats.stats.disclosure.protect_measured` left them)."""
    instances = [i for name, frame in cells.items()
                 for i in audit.cell_instances(frame, name, resolved)]
    instances += audit.value_instances(_scalars(measured), "published_vs_reproduced.csv",
                                        resolved)
    for _ in range(len(instances)):
        extra = _next(instances, codebook)
        if not extra:
            break
        for instance in extra:
            _hide(instance)
    hidden = [i for i in instances if i["hidden"]]
    rows = {(json.dumps(i["key"]), i["pid"] or "") for i in hidden}
    return pd.DataFrame(sorted(rows), columns=COLUMNS)


def _scalars(measured: pd.DataFrame) -> pd.DataFrame:
    """The measured values with a range (two numbers) as no number: only counts and
    percentages can give a count back."""
    return measured.assign(reproduced=measured["reproduced"].map(
        lambda v: v if v is None or np.isscalar(v) else np.nan))


def _planned(planned: pd.DataFrame) -> tuple[set, set]:
    keys = {tuple(tuple(k) if isinstance(k, list) else k for k in json.loads(key))
            for key in planned["key"]}
    return keys, set(planned["pid"].fillna("")) - {""}


def _blank(frame: pd.DataFrame, rows: pd.Series, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    marks = out["suppression"].astype(object).fillna("") if "suppression" in out else \
        pd.Series("", index=out.index, dtype=object)
    out["suppression"] = marks.where(~rows | (marks != ""), MARK)
    for column in columns:
        if column in out:
            out[column] = out[column].astype(object).where(~rows, None)
    return out


def hide_planned_cells(cells: pd.DataFrame, name: str, resolved: dict,
                       planned: pd.DataFrame) -> pd.DataFrame:
    """A layout's cells with every cell the plan hides blanked and marked."""
    keys, pids = _planned(planned)
    rows = pd.Series([i["key"] in keys or i["pid"] in pids
                      for i in audit.cell_instances(cells, name, resolved)], index=cells.index)
    numeric = ["value", "count", "ci_low", "ci_high", "ci_low_fpc", "ci_high_fpc", "exact",
               "display", "status"]
    out = _blank(cells, rows, numeric)
    for column in ("value", "count", "ci_low", "ci_high", "ci_low_fpc", "ci_high_fpc"):
        if column in out:
            out[column] = out[column].astype(float)
    return out


def hide_planned_values(measured: pd.DataFrame, resolved: dict,
                        planned: pd.DataFrame) -> pd.DataFrame:
    """The comparison's measured values with every one the plan hides blanked and marked."""
    keys, pids = _planned(planned)
    known = {i["pid"]: i["key"] for i in
             audit.value_instances(_scalars(measured), "published_vs_reproduced.csv",
                                    resolved)}
    rows = measured["id"].map(lambda pid: pid in pids or known.get(pid) in keys)
    return _blank(measured, rows.astype(bool), ["reproduced", "abs_diff", "base_n_reproduced",
                                                "excluded_n", "outside_n"])


def write_plan(tables: dict, figures: dict, frames_dir, published_path, specs_path,
               codebook_path, threshold: int, out) -> str:
    """The plan of a run written as CSV: ``tables`` and ``figures`` are the layouts as each
    output suppresses them on its own (layout id -> (layout, cells, base line)), the comparison's
    values are measured on the analysis frames of ``frames_dir``."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.reference.loaders import load_codebook
    from iro_stats.stats.disclosure import protect_measured
    from iro_stats.stats.measures import load_resolved
    from iro_stats.stats.reproduce import reproduce

    cells = {f"{section}/{lid}.csv": c for section, built in (("tables", tables),
                                                             ("figures", figures))
             for lid, (_, c, _) in built.items()}
    published, specs, resolved = load_resolved(published_path, specs_path)
    measured = protect_measured(reproduce(read_analysis_frames(frames_dir), resolved, published,
                                          specs["pending"]), threshold)
    planned = plan(cells, measured, resolved, load_codebook(codebook_path))
    write_csv(out, planned)
    return f"{len(planned)} measures hidden in every output"
