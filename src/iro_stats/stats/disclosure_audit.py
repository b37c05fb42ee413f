"""The disclosure audit of a run with disclosure control on: every published statistics file
scanned, independently of the suppression that wrote it, for a respondent count below the
threshold that is shown or can be derived.

Scanned: the tables' and figures' cells (``tables/*.csv``, ``figures/*.csv``), the comparison
(``published_vs_reproduced.csv``), the LA-level statistics, Tables A.1-A.2 and Appendix B's
checks beyond the report (``models/robustness.csv``, ``bootstrap.csv``, ``sensitivity.csv``,
``verdicts.csv``: their columns of respondent counts, ``MODEL_COUNTS``, such as the IROs that
identify a term). A finding is:

- **count**: a shown count of 1 .. threshold-1 (a percentage's count is value x base / 100);
- **small base**: a shown statistic on a base of 1 .. threshold-1;
- **complement**: a stand-alone cell (not part of a distribution) whose base minus its count is
  1 .. threshold-1;
- **derivable**: the only hidden cell of a distribution whose other cells and base are shown.

- **hidden count's base**: a hidden count of rows (``count: rows``, whose base is the count)
  whose ``base_n`` is shown.

Across files (:func:`audit_across`), every cell is keyed by what it measures (the tables' and
figures' ``dataset, var, codes, where, statistic``; a published id's resolved spec in
``specs/values.yaml`` for the comparison and the LA statistics):

- **shown elsewhere**: a hidden cell whose measure another file (or row) shows;
- **derivable across files**: a hidden count or percentage of codes C of a variable over a
  subgroup whose count follows from the counts shown for that variable, subgroup and base anywhere
  (a shown percentage with its base is a count; the shown base is the count of all valid codes,
  from the codebook): the complement's count, or the base and the other codes' counts. Found by
  linear algebra over the code sets, so sums of categories (``sum_of``) count too.

Tables A.1-A.2 count authorities, whose number by type or rating is public (the frame): ``las``
is never hidden, and only the responding authorities are audited (a count of 1 .. threshold-1
would point at the respondents of one or two named authorities). A hidden ``responses`` must be
marked (``suppression``) and its percentage hidden (it times ``las`` is the count); it must not
follow from the table's total minus its shown rows, with each hidden row's ``las`` as its upper
bound; Table A.2 leaves out the unrated authorities, whose responding count is Table A.1's total
minus Table A.2's. The non-responding complement (``las - responses``) is not a count of
respondents and is not audited. The HTML pages, notebooks and workbook render these files and
are not scanned again.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from iro_stats.common.errors import IroStatsError

COLUMNS = ["file", "row", "column", "problem", "value"]
SKIP = {"table_a1.csv", "table_a2.csv", "la_statistics.csv"}
MODEL_FILES = ("models/robustness.csv", "models/bootstrap.csv", "models/sensitivity.csv",
               "models/verdicts.csv")
MODEL_COUNTS = ("n", "n_iro")   # respondents (IROs): a model's sample, those identifying a term


class DisclosureError(IroStatsError):
    """A published output shows or reveals a count below the threshold."""


def _small(value, threshold: int) -> bool:
    return pd.notna(value) and 1 <= float(value) < threshold


def _judge(count, base, stands_alone: bool, threshold: int) -> tuple[str, float] | None:
    if _small(count, threshold):
        return "count", count
    if _small(base, threshold):
        return "small base", base
    if stands_alone and pd.notna(count) and pd.notna(base) and _small(base - count, threshold):
        return "complement", base - count
    return None


def audit_cells(cells: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in one file of cells (``count, base_n, statistic, additive, suppression``)."""
    marks = cells["suppression"] if "suppression" in cells else pd.Series("", index=cells.index)
    hidden = marks.astype(object).fillna("").astype(str) != ""
    additive = cells["additive"].astype(str) == "True"
    found = []
    for i, cell in cells[~hidden].iterrows():
        counted = cell["statistic"] in ("percent", "count")
        verdict = _judge(cell["count"] if counted else None, cell["base_n"],
                         counted and not additive[i], threshold)
        if verdict:
            found.append((name, cell["row"], cell["column"], *verdict))
    for (column, _), group in cells[additive].groupby(["column", "base_n"], dropna=True):
        gone = group[hidden[group.index]]
        if len(gone) == 1 and (~hidden[group.index]).any():
            found.append((name, gone.iloc[0]["row"], column,
                          "derivable: the base minus the distribution's shown cells", None))
    return found


def audit_values(table: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in a table of measured values (``statistic, reproduced, base_n_reproduced``)."""
    found = []
    hidden = table.get("suppression", pd.Series("", index=table.index)).astype(object)
    hidden = hidden.fillna("").astype(str) != ""
    if "note" in table:
        hidden |= table["note"].astype(object).fillna("").astype(str).str.startswith(
            "suppressed")
    for _, row in table[~hidden].iterrows():
        value = pd.to_numeric(row["reproduced"], errors="coerce")
        base = pd.to_numeric(row["base_n_reproduced"], errors="coerce")
        if pd.isna(value):
            continue
        count = value if row["statistic"] == "count" else (
            round(value * base / 100) if row["statistic"] == "percent" and pd.notna(base)
            else None)
        verdict = _judge(count, base, count is not None, threshold)
        if verdict:
            found.append((name, row["id"], "reproduced", *verdict))
    return found


def audit_models(table: pd.DataFrame, name: str, threshold: int) -> list[tuple]:
    """Findings in one of Appendix B's check files: a respondent count (``MODEL_COUNTS``) of
    1 .. threshold-1, its row named by model, term and check (or published id)."""
    found = []
    for column in (c for c in MODEL_COUNTS if c in table):
        counts = pd.to_numeric(table[column], errors="coerce")
        for i in counts.index[counts.map(lambda v: _small(v, threshold))]:
            row = table.loc[i]
            where = " ".join(str(row[c]) for c in ("model", "term", "check")
                             if c in table and pd.notna(row[c]))
            found.append((name, where or str(i), column, "count", float(counts[i])))
    return found


def _hidden(table: pd.DataFrame) -> pd.Series:
    marks = table.get("suppression", pd.Series("", index=table.index)).astype(object)
    hidden = marks.fillna("").astype(str) != ""
    if "note" in table:
        hidden |= table["note"].astype(object).fillna("").astype(str).str.startswith("suppressed")
    return hidden


def _number(value) -> float:
    number = pd.to_numeric(value, errors="coerce")
    return float(number) if pd.notna(number) else np.nan


# --------------------------------------------------------------------------- Tables A.1-A.2


def _bounds_findings(name: str, groups: list[dict], total: float, threshold: int) -> list[tuple]:
    """Hidden ``responses`` of ``groups`` (row, las, responses: NaN if hidden) that the total
    minus the shown rows fixes, each hidden row being between 0 and its ``las``."""
    hidden = [g for g in groups if pd.isna(g["responses"])]
    if pd.isna(total) or not hidden:
        return []
    rest = total - sum(g["responses"] for g in groups if pd.notna(g["responses"]))
    found = []
    for g in hidden:
        others = sum(np.inf if pd.isna(h["las"]) else h["las"] for h in hidden if h is not g)
        low = max(0.0, rest - others)
        high = min(np.inf if pd.isna(g["las"]) else g["las"], rest)
        if low == high:
            found.append((name, g["row"], "responses",
                          "derivable: the total minus the shown rows, each hidden row at most "
                          "its LAs", low))
    return found


def audit_la_tables(a1: pd.DataFrame | None, a2: pd.DataFrame | None,
                    threshold: int) -> list[tuple]:
    """Findings in Tables A.1 (``a1``) and A.2 (``a2``), ``row, las, responses, responses_pct``
    and ``suppression``: a shown responding count of 1 .. threshold-1, a hidden one not marked
    or given back by its percentage of the (public) LAs, or by the total minus the shown rows; in
    Table A.2 the unrated authorities' responses, Table A.1's total minus Table A.2's."""
    found = []
    totals = {}
    for name, table in (("tables/table_a1.csv", a1), ("tables/table_a2.csv", a2)):
        if table is None:
            continue
        marked = table["suppression"].astype(object).fillna("").astype(str) != "" if (
            "suppression" in table) else pd.Series(False, index=table.index)
        groups = []
        for i, row in table.iterrows():
            las, responses = _number(row["las"]), _number(row["responses"])
            pct = _number(row.get("responses_pct"))
            if _small(responses, threshold):
                found.append((name, row["row"], "responses", "count", responses))
            if pd.isna(responses) and not marked[i]:
                found.append((name, row["row"], "responses",
                              "hidden but not marked (suppression)", None))
            if pd.isna(responses) and pd.notna(pct) and pd.notna(las):
                found.append((name, row["row"], "responses_pct",
                              "derivable: the percentage times the LAs", round(pct * las / 100)))
            entry = {"row": row["row"], "las": las, "responses": responses}
            if row["row"] == "total":
                totals[name] = entry
            else:
                groups.append(entry)
        total = totals.get(name, {}).get("responses", np.nan)
        if name.endswith("a2.csv") and "tables/table_a1.csv" in totals:
            whole = totals["tables/table_a1.csv"]
            unrated = {"row": "unrated (Table A.1's total minus Table A.2's)",
                       "las": whole["las"] - totals.get(name, {}).get("las", np.nan),
                       "responses": whole["responses"] - total}
            if _small(unrated["responses"], threshold):
                found.append((name, "total", "responses",
                              "count: Table A.1's total minus it (the unrated authorities)",
                              unrated["responses"]))
            if pd.isna(total) or pd.isna(unrated["responses"]):
                groups.append({**unrated, "responses": np.nan})
                total = whole["responses"]
        found += _bounds_findings(name, groups, total, threshold)
    return found


# --------------------------------------------------------------------------- across files


def _where(where) -> str:
    if where is None or (isinstance(where, float) and np.isnan(where)):
        return ""
    return re.sub(r"\s+", "", str(where)).replace('"', "'")


def _codes(codes) -> tuple:
    if codes is None or (isinstance(codes, float) and np.isnan(codes)):
        return ()
    items = codes if isinstance(codes, (list, tuple)) else str(codes).replace(";", " ").split()
    return tuple(sorted({float(c) for c in items}))


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _instance(name, row, column, spec: dict, statistic, pid, hidden, value, count, base) -> dict:
    """One published cell keyed by what it measures (``spec``: dataset, var, codes, where, with,
    count) and the count it shows, if any (a percentage's is value x base / 100)."""
    codes = _codes(spec.get("codes")) or ((1.0,) if statistic == "percent" else ())
    how = None
    if statistic == "count":
        how = spec.get("count", "rows") if spec.get("_resolved") else (spec.get("count") or None)
    key = (_text(spec.get("dataset")), _text(spec.get("var")), codes, _where(spec.get("where")),
           statistic, _text(spec.get("with")), _text(how))
    if statistic == "percent" and pd.isna(count) and pd.notna(value) and pd.notna(base):
        count = float(round(value * base / 100))
    shown = not hidden and pd.notna(value)
    return {"file": name, "row": row, "column": column, "key": key, "pid": pid,
            "statistic": statistic, "hidden": hidden, "shown": shown, "value": value,
            "count": count if shown else np.nan, "base": base, "how": how}


def _resolved_spec(resolved: dict, pid) -> dict | None:
    spec = resolved.get(pid) if pid else None
    return {**spec, "_resolved": True} if spec is not None else None


def cell_instances(cells: pd.DataFrame, name: str, resolved: dict) -> list[dict]:
    hidden = _hidden(cells)
    out = []
    for i, cell in cells.iterrows():
        statistic = cell["statistic"]
        pid = _text(cell.get("published_id")) or None
        spec = _resolved_spec(resolved, pid)
        if spec is None:
            spec = {k: cell.get(k) for k in ("dataset", "var", "codes", "where")}
            if statistic not in ("percent", "mean", "sd", "range"):
                spec["with"] = f"{name}:{cell['row']}:{cell['column']}"   # unknown: its own
        value = _number(cell.get("value"))
        count = _number(cell.get("count")) if statistic in ("percent", "count") else np.nan
        if statistic == "count" and pd.isna(count):
            count = value
        out.append(_instance(name, cell["row"], cell["column"], spec, statistic, pid,
                             bool(hidden[i]), value, count, _number(cell.get("base_n"))))
    return out


def value_instances(table: pd.DataFrame, name: str, resolved: dict) -> list[dict]:
    hidden = _hidden(table)
    out = []
    for i, row in table.iterrows():
        spec = _resolved_spec(resolved, row["id"])
        if spec is None:
            continue
        value = _number(row.get("reproduced"))
        out.append(_instance(name, row["id"], "reproduced", spec, row["statistic"], row["id"],
                             bool(hidden[i]), value,
                             value if row["statistic"] == "count" else np.nan,
                             _number(row.get("base_n_reproduced"))))
    return out


def _la_table_instances(table: pd.DataFrame, name: str, resolved: dict) -> list[dict]:
    block = "ta_1" if name.endswith("a1.csv") else "ta_2"
    out = []
    for _, row in table.iterrows():
        for column, statistic in (("las", "count"), ("responses", "count"),
                                  ("responses_pct", "percent")):
            pid = f"{block}.{row['row']}_{column}"
            spec = _resolved_spec(resolved, pid)
            if spec is None or column not in table:
                continue
            value = _number(row[column])
            out.append(_instance(name, row["row"], column, spec, statistic, pid, pd.isna(value),
                                 value, value if statistic == "count" else np.nan, np.nan))
    return out


def _place(instance: dict) -> str:
    return f"{instance['file']}, row {instance['row']}, {instance['column']}"


def _valid_codes(codebook: dict | None, dataset: str, var: str) -> tuple | None:
    if not codebook or dataset not in codebook.get("datasets", {}):
        return None
    from iro_stats.reference.loaders import scale_of

    for variable in codebook["datasets"][dataset]["variables"]:
        if variable["name"] == var:
            scale = scale_of(codebook, variable) if variable.get("values") else None
            return tuple(sorted(float(c) for c in scale)) if scale else None
    return None


def _derivations(family: list[dict], codebook: dict | None) -> list[tuple[dict, list[dict]]]:
    """The hidden percentages of one variable, subgroup and base whose count lies in the span
    of the counts shown for it (each a set of codes; the base: every valid code)."""
    dataset, var = family[0]["key"][0], family[0]["key"][1]
    valid = _valid_codes(codebook, dataset, var)
    seen = sorted({c for cell in family for c in cell["key"][2]} | set(valid or ()))
    dims = seen + ([] if valid else ["other"])
    index = {c: i for i, c in enumerate(dims)}

    def vector(codes):
        v = np.zeros(len(dims))
        for c in codes:
            v[index[c]] = 1.0
        return v

    known = [(vector(c["key"][2]), c) for c in family if c["shown"] and pd.notna(c["count"])]
    if any(pd.notna(c["base"]) for c in family):
        base_cell = next(c for c in family if pd.notna(c["base"]))
        known.append((vector(valid or dims), {**base_cell, "column": "base_n"}))
    if not known:
        return []
    matrix = np.array([v for v, _ in known])
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for cell in family:
        if cell["hidden"]:
            if np.linalg.matrix_rank(np.vstack([matrix, vector(cell["key"][2])])) == rank:
                out.append((cell, [c for _, c in known]))
    return out


def same_measure(instances: list[dict]):
    """The instances of each measure: by key (what it measures), then by published id."""
    for grouping in ("key", "pid"):
        groups: dict = {}
        for cell in instances:
            if cell[grouping] is not None:
                groups.setdefault(cell[grouping], []).append(cell)
        yield from groups.values()


def derivable(instances: list[dict], codebook: dict | None = None):
    """(hidden percentage, the shown counts and base that give it back) for every variable,
    subgroup and base of ``instances`` (:func:`_derivations`)."""
    families: dict = {}
    for cell in instances:
        dataset, var, codes, where = cell["key"][:4]
        if cell["statistic"] == "percent" and var and codes:
            families.setdefault((dataset, var, where), []).append(cell)
    for members in families.values():
        if not any(c["hidden"] for c in members):
            continue
        bases = {c["base"] for c in members if pd.notna(c["base"])}
        subfamilies = [members] if len(bases) <= 1 else [
            [c for c in members if c["base"] == b] for b in sorted(bases)]
        for family in subfamilies:
            yield from _derivations(family, codebook)


def audit_across(instances: list[dict], codebook: dict | None = None) -> list[tuple]:
    """Findings across the published files: a hidden cell whose measure is shown elsewhere, a
    hidden percentage whose count the counts shown for its variable, subgroup and base give, and
    a hidden count of rows whose base (the count itself) is shown (module docstring)."""
    found, flagged = [], set()
    for members in same_measure(instances):
        shown = [c for c in members if c["shown"]]
        for cell in members:
            if cell["hidden"] and shown and id(cell) not in flagged:
                flagged.add(id(cell))
                found.append((cell["file"], cell["row"], cell["column"],
                              f"shown elsewhere: {_place(shown[0])}", shown[0]["value"]))
    for cell, known in derivable(instances, codebook):
        if id(cell) in flagged:
            continue
        flagged.add(id(cell))
        places = sorted({_place(k) for k in known if k is not cell})
        places = "; ".join(places[:3]) + (f"; {len(places) - 3} more"
                                          if len(places) > 3 else "")
        found.append((cell["file"], cell["row"], cell["column"],
                      f"derivable across files: the counts shown for "
                      f"{cell['key'][1]} over the same subgroup and base ({places})", None))
    rows_like = {}
    for cell in instances:
        if cell["statistic"] == "count" and cell["shown"] and pd.notna(cell["base"]):
            place = (cell["file"], cell["column"])
            rows_like[place] = rows_like.get(place, True) and cell["count"] == cell["base"]
    for cell in instances:
        if cell["statistic"] != "count" or not cell["hidden"] or pd.isna(cell["base"]):
            continue
        if cell["how"] == "rows" or (not cell["how"] and rows_like.get((cell["file"],
                                                                         cell["column"]))):
            if (cell["file"], cell["row"], cell["column"]) not in {f[:3] for f in found}:
                found.append((cell["file"], cell["row"], cell["column"],
                              "hidden count of rows whose base_n (the count) is shown",
                              cell["base"]))
    return found


def audit(results: str | Path, threshold: int, resolved: dict | None = None,
          codebook: dict | None = None) -> pd.DataFrame:
    """Every finding in the published files of ``results`` (see the module docstring):
    ``resolved`` (published id -> resolved spec) keys the comparison's and LA statistics' rows
    for the checks across files, ``codebook`` gives each variable's valid codes."""
    results = Path(results)
    resolved = resolved or {}
    found, instances = [], []
    for path in sorted((results / "tables").glob("*.csv")) + sorted(
            (results / "figures").glob("*.csv")):
        if path.name not in SKIP:
            cells = pd.read_csv(path)
            name = str(path.relative_to(results))
            if {"count", "base_n", "additive"} <= set(cells.columns):
                found += audit_cells(cells, name, threshold)
            if {"dataset", "var", "codes", "where", "statistic", "value"} <= set(cells.columns):
                instances += cell_instances(cells, name, resolved)
    for name in ("published_vs_reproduced.csv", "tables/la_statistics.csv"):
        if (results / name).is_file():
            table = pd.read_csv(results / name)
            found += audit_values(table, name, threshold)
            instances += value_instances(table, name, resolved)
    la_tables = {}
    for name in ("tables/table_a1.csv", "tables/table_a2.csv"):
        if (results / name).is_file():
            la_tables[name] = pd.read_csv(results / name)
            instances += _la_table_instances(la_tables[name], name, resolved)
    found += audit_la_tables(la_tables.get("tables/table_a1.csv"),
                             la_tables.get("tables/table_a2.csv"), threshold)
    for name in MODEL_FILES:
        if (results / name).is_file():
            found += audit_models(pd.read_csv(results / name), name, threshold)
    seen = {f[:3] for f in found}
    found += [f for f in audit_across(instances, codebook) if f[:3] not in seen]
    return pd.DataFrame(found, columns=COLUMNS)


def write_audit(results, threshold: int, out, *, published=None, specs=None,
                codebook=None) -> str:
    """The audit written to ``out``; raises :class:`DisclosureError` naming every finding.
    ``published`` and ``specs`` (the reference files, both or neither) key the published ids for
    the checks across files, ``codebook`` gives the variables' valid codes."""
    from iro_stats.common.atomic import write_text

    resolved = None
    if published and specs:
        from iro_stats.stats.measures import load_resolved

        resolved = load_resolved(published, specs)[2]
    if codebook:
        from iro_stats.reference.loaders import load_codebook

        codebook = load_codebook(codebook)
    findings = audit(results, threshold, resolved, codebook)
    if len(findings):
        lines = [f"  {f.file}: row {f.row}, {f.column}: {f.problem}"
                 + (f" ({f.value:g})" if pd.notna(f.value) else "")
                 for f in findings.itertuples()]
        raise DisclosureError(f"{len(findings)} published cell(s) show or reveal a count below "
                              f"the disclosure threshold of {threshold}:\n" + "\n".join(lines))
    summary = (f"disclosure audit: no published count below {threshold} is shown or derivable "
               "(tables' and figures' cells, the comparison, LA statistics, Tables A.1-A.2, "
               "Appendix B's checks" + (", and across files" if resolved is not None else "")
               + ")")
    write_text(out, summary + "\n")
    return summary
