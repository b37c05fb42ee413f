"""SPSS syntax for every descriptive statistic the pipeline measures (runs in SPSS and GNU PSPP 1.6).

Each resolved value spec (``specs/values.yaml``) becomes a command on the analysis dataset it
measures, written as ``<dataset>.sav`` beside the syntax (the analysis frames of
:func:`iro_stats.dataset.analysis.analysis_frames`: LA columns joined, derived variables added, user-missing
codes system-missing, missing strings blank), so that ``tables.sps`` runs as it is from its folder:

- subgroups: one 0/1 flag per distinct ``where`` (``where_1`` ...; :func:`translate_where` turns the
  pandas query into an SPSS condition with the same rows), used by ``FILTER BY``;
- ``percent``: ``FREQUENCIES`` (the valid percent of the codes, summed over codes);
- ``count`` of rows: ``FREQUENCIES`` of the subgroup flags (``all_rows`` for the whole dataset);
  ``count: distinct:<var>``: ``AGGREGATE`` by the variable into a new dataset, whose N is the
  count; ``count: max:<var>``: the maximum of ``DESCRIPTIVES``;
- ``mean``, ``sd`` (n - 1), ``range``: ``DESCRIPTIVES`` (printed with 8 decimals);
- ``r`` and ``p``: ``CORRELATIONS`` (pairwise, as the engine), and the one-predictor ``REGRESSION``
  of the pair, whose standardized Beta is r to 8 decimals (CORRELATIONS prints 3);
- derived variables (``count_in``/``all_in``/``any_in``) recomputed by ``COUNT``: SPSS COUNT
  counts the variables with a value in the codes and skips missing ones, then the value is set
  system-missing where any (or, with ``missing: all``, every) variable is missing
  (:func:`iro_stats.stats.measures.derive`).

Every section starts with an ``ECHO`` marker (``<dataset>: <group>``), so that :func:`read_output`
can read PSPP's CSV output back into one row per value id.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from iro_stats.common.errors import IroStatsError
from iro_stats.dataset.analysis import ANALYSIS_DATASETS
from iro_stats.stats.measures import column_kinds
from iro_stats.stats.where import WhereError, parse, spss

STATISTICS = ("percent", "count", "mean", "sd", "range", "r", "p")
PRECISE_FORMAT = "F16.8"   # DESCRIPTIVES' means and SDs and REGRESSION print in SET FORMAT
DEFAULT_FORMAT = "F8.2"
SYNTAX_FILE = "tables.sps"


class SyntaxExportError(IroStatsError):
    """A value spec or subgroup condition the SPSS export cannot express."""


# --------------------------------------------------------------------------- subgroup conditions

def translate_where(where: str, kinds: dict[str, str]) -> str:
    """The SPSS condition selecting the rows :func:`iro_stats.stats.measures.where_mask` selects
    (:func:`iro_stats.stats.where.spss`)."""
    try:
        return spss(parse(where), kinds, where)
    except WhereError as exc:
        raise SyntaxExportError(str(exc)) from None


# --------------------------------------------------------------------------- the plan


@dataclass
class Group:
    """The commands of one subgroup of one dataset (``flag`` None: the whole dataset)."""

    dataset: str
    where: str | None
    flag: str | None
    frequencies: list[str] = field(default_factory=list)
    describe: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    distinct: list[str] = field(default_factory=list)

    @property
    def marker(self) -> str:
        return f"{self.dataset}: {self.flag or 'all rows'}"


@dataclass
class DatasetPlan:
    name: str
    rows: int
    kinds: dict[str, str]
    groups: dict[str | None, Group] = field(default_factory=dict)   # by where
    row_counts: list[str] = field(default_factory=list)   # flags whose rows are counted

    def group(self, where: str | None) -> Group:
        if where not in self.groups:
            flag = None if where is None else f"where_{sum(w is not None for w in self.groups) + 1}"
            self.groups[where] = Group(self.name, where, flag)
        return self.groups[where]


@dataclass
class Plan:
    datasets: dict[str, DatasetPlan]
    values: dict[str, tuple[str, dict]]   # value id -> (statistic, spec)
    derived: dict
    skipped: dict[str, str]   # value id -> why it has no SPSS command


def _add(items: list, item) -> None:
    if item not in items:
        items.append(item)


def plan(frames: dict[str, pd.DataFrame], resolved: dict[str, dict], statistics: dict[str, str],
         derived: dict | None = None) -> Plan:
    """Which command measures each resolved value: ``statistics`` is value id -> statistic (the
    published value's own)."""
    datasets: dict[str, DatasetPlan] = {}
    values, skipped = {}, {}

    def command(pid: str, statistic: str, spec: dict) -> str | None:
        """Plan the command of one statistic on one spec; the reason if it has none."""
        name = spec["dataset"]
        frame = frames.get(name)
        if frame is None or frame.empty:
            return f"dataset {name} has no rows"
        if name not in datasets:
            datasets[name] = DatasetPlan(name, len(frame), column_kinds(frame))
        ds = datasets[name]
        group = ds.group(spec.get("where") or None)
        for var in filter(None, (spec.get("var"), spec.get("with"))):
            if ds.kinds.get(var, "numeric") == "string" or var not in ds.kinds:
                raise SyntaxExportError(f"{pid}: {name}.{var} is not a numeric variable")
        if statistic == "count":
            how = spec.get("count", "rows")
            if how == "rows":
                _add(ds.row_counts, group.flag or "all_rows")
            elif how.startswith("max:"):
                _add(group.describe, how.removeprefix("max:"))
            elif how.startswith("distinct:"):
                var = how.removeprefix("distinct:")
                if var not in ds.kinds:
                    raise SyntaxExportError(f"{pid}: unknown variable {name}.{var}")
                _add(group.distinct, var)
            else:
                raise SyntaxExportError(f"{pid}: unknown count {how!r}")
        elif statistic == "percent":
            _add(group.frequencies, spec["var"])
        elif statistic in ("mean", "sd", "range"):
            _add(group.describe, spec["var"])
        else:   # r, p
            _add(group.pairs, (spec["var"], spec["with"]))
        return None

    for pid, spec in resolved.items():
        statistic = statistics[pid]
        if statistic not in STATISTICS:
            skipped[pid] = f"statistic {statistic} has no SPSS command here"
            continue
        # a range over statistics of several datasets: each part is its own command
        parts = [(p["statistic"], p) for p in spec["range_of"]] if spec.get("range_of") else [
            (statistic, spec)]
        reasons = [r for r in (command(pid, *part) for part in parts) if r]
        if reasons:
            skipped[pid] = reasons[0]
            continue
        values[pid] = (statistic, spec)
    for ds in datasets.values():
        for where in ds.groups:
            if where is not None:
                translate_where(where, ds.kinds)   # fail early on what cannot be translated
    return Plan(datasets, values, derived or {}, skipped)


# --------------------------------------------------------------------------- the syntax


def _wrap(text: str, indent: str = "  ") -> list[str]:
    """A command over lines of at most 78 characters, broken between words (names, numbers)."""
    return textwrap.wrap(text, 78, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _label(name: str, text: str) -> list[str]:
    """VARIABLE LABELS, a long label split into quoted pieces joined by + (one per line)."""
    head = f"VARIABLE LABELS {name} "
    pieces = textwrap.wrap(text, 78 - len(head) - 4, drop_whitespace=False) or [""]
    lines = [head + _quote(pieces[0])] + [f"  + {_quote(piece)}" for piece in pieces[1:]]
    return lines[:-1] + [lines[-1] + "."]


def _codes(codes) -> str:
    return ", ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in codes)


def derived_syntax(definitions: dict) -> list[str]:
    """COUNT (and COMPUTE, IF) commands for the derived variables of one dataset."""
    lines = []
    for name, definition in (definitions or {}).items():
        definition = dict(definition)
        rule = definition.pop("missing", "any")
        (op, args), = definition.items()
        variables = list(args["vars"])
        lines += _wrap(f"* {name}: {op} {_codes(args['codes'])} over {len(variables)} "
                       f"variables, missing where {rule} of them "
                       f"{'is' if rule == 'any' else 'are'} missing.")
        lines += _wrap(f"COUNT {name} = {' '.join(variables)} ({_codes(args['codes'])}).")
        if op == "all_in":
            lines.append(f"COMPUTE {name} = ({name} = {len(variables)}).")
        elif op == "any_in":
            lines.append(f"COMPUTE {name} = ({name} > 0).")
        test = "> 0" if rule == "any" else f"= {len(variables)}"
        lines += _wrap(f"IF (NMISS({', '.join(variables)}) {test}) {name} = $SYSMIS.")
    return lines


def _group_syntax(ds: DatasetPlan, group: Group) -> list[str]:
    lines = ["", f"* {ds.name}, {group.flag or 'all rows'}"
             + (f": {group.where}." if group.where else ".")]
    lines.append(f"ECHO {_quote(group.marker)}.")
    if group.flag:
        lines.append(f"FILTER BY {group.flag}.")
    if group.frequencies:
        lines += _wrap(f"FREQUENCIES {' '.join(group.frequencies)} /STATISTICS=NONE.")
    if group.describe:   # means and SDs print in SET FORMAT
        lines += [f"SET FORMAT={PRECISE_FORMAT}.",
                  *_wrap(f"DESCRIPTIVES {' '.join(group.describe)} "
                         "/STATISTICS=MEAN STDDEV MIN MAX."),
                  f"SET FORMAT={DEFAULT_FORMAT}."]
    for x, y in group.pairs:
        lines += [f"CORRELATIONS /VARIABLES={x} WITH {y}.",
                  *_wrap(f"* r to 8 decimals: the standardized Beta of {y} on {x} "
                         "(the same pairs)."),
                  f"SET FORMAT={PRECISE_FORMAT}.",
                  *_wrap(f"REGRESSION /VARIABLES={x} /DEPENDENT={y} /STATISTICS=COEFF R."),
                  f"SET FORMAT={DEFAULT_FORMAT}."]
    if group.flag:
        lines.append("FILTER OFF.")
    for i, var in enumerate(group.distinct, 1):
        target = f"distinct_{group.flag or 'all'}_{i}"
        valid = f"{var} ~= ''" if ds.kinds[var] == "string" else f"NOT MISSING({var})"
        select = f"{group.flag} = 1 AND {valid}" if group.flag else valid
        lines += [f"* Distinct values of {var}: one case per value (N), rows per value (SUM).",
                  f"DATASET DECLARE {target}.",
                  "TEMPORARY.",
                  f"SELECT IF ({select}).",
                  f"AGGREGATE /OUTFILE={target} /BREAK={var} /rows=N.",
                  f"DATASET ACTIVATE {target}.",
                  f"ECHO {_quote(f'{group.marker} distinct {var}')}.",
                  "DESCRIPTIVES rows /STATISTICS=SUM MIN MAX.",
                  f"DATASET ACTIVATE {ds.name}.",
                  f"DATASET CLOSE {target}."]
    return lines


def dataset_syntax(ds: DatasetPlan, derived: dict) -> list[str]:
    """The section of one dataset: open it, derived variables, subgroup flags, then each group."""
    lines = ["", f"* {'-' * 70}", f"* {ds.name}: {ds.rows} rows.",
             f"GET FILE={_quote(f'{ds.name}.sav')}.", f"DATASET NAME {ds.name}."]
    if derived:
        lines += ["* Derived variables (in the .sav as the pipeline computed them),",
                  "* recomputed from their items.", *derived_syntax(derived)]
    flagged = [g for g in ds.groups.values() if g.flag]
    if flagged:
        lines.append("* Subgroups: 1 for the rows of the condition (pandas query in the label).")
    for g in flagged:
        lines += [f"COMPUTE {g.flag} = 0.",
                  *_wrap(f"IF ({translate_where(g.where, ds.kinds)}) {g.flag} = 1."),
                  *_label(g.flag, g.where)]
    if "all_rows" in ds.row_counts:
        lines.append("COMPUTE all_rows = 1.")
    if ds.row_counts:
        lines += ["", f"* {ds.name}: rows of each subgroup (the frequency of 1).",
                  f"ECHO {_quote(f'{ds.name}: rows')}.",
                  *_wrap(f"FREQUENCIES {' '.join(ds.row_counts)} /STATISTICS=NONE.")]
    for group in ds.groups.values():
        if group.frequencies or group.describe or group.pairs or group.distinct:
            lines += _group_syntax(ds, group)
    return lines


def syntax(p: Plan) -> str:
    """The whole ``tables.sps``: one section per dataset, each opening ``<dataset>.sav``."""
    lines = ["* Descriptive statistics of the IRO survey report (2012): every value the",
             "* pipeline measures, from specs/values.yaml. Written by iro_stats.render.spss_tables;",
             "* do not edit by hand.",
             "* Runs as it is in SPSS or GNU PSPP from its folder (the .sav files beside it:",
             "* user-missing codes system-missing, missing strings blank). Percentages are",
             "* valid percents, SDs n - 1.",
             "SET TVARS=NAMES.",
             f"SET FORMAT={DEFAULT_FORMAT}."]
    order = {name: i for i, name in enumerate(ANALYSIS_DATASETS)}
    for name in sorted(p.datasets, key=lambda n: (order.get(n, len(order)), n)):
        lines += dataset_syntax(p.datasets[name], p.derived.get(name, {}))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the .sav files




def write(frames: dict[str, pd.DataFrame], resolved: dict[str, dict], statistics: dict[str, str],
          derived: dict, outdir: str | Path) -> tuple[Plan, dict[str, Path]]:
    """Write ``<dataset>.sav`` for every analysis dataset and ``tables.sps`` under ``outdir``."""
    from iro_stats.common import atomic
    from iro_stats.render.sav import write_plain

    outdir = Path(outdir)
    p = plan(frames, resolved, statistics, derived)
    paths = {}
    for name in ANALYSIS_DATASETS:
        paths[name] = outdir / f"{name}.sav"
        write_plain(frames[name], paths[name])
    paths["syntax"] = outdir / SYNTAX_FILE
    atomic.write_text(paths["syntax"], syntax(p))
    return p, paths


def write_all(frames_dir, specs_path, published_path, outdir) -> str:
    """:func:`write` for the analysis frames of ``frames_dir``; returns a summary line."""
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.stats.measures import load_resolved

    published, specs, resolved = load_resolved(published_path, specs_path)
    statistics = published.set_index("id")["statistic"].to_dict()
    p, paths = write(read_analysis_frames(frames_dir), resolved, statistics,
                     specs["derived"], outdir)
    return (f"SPSS syntax: {len(p.values)} values in {paths['syntax']} over {len(p.datasets)} "
            f"datasets ({len(p.skipped)} without a command); {len(ANALYSIS_DATASETS)} .sav files")


# --------------------------------------------------------------------------- reading PSPP's output


def output_items(text: str) -> list[tuple[str, object]]:
    """PSPP's CSV output as ("table", (title, rows)) and ("text", line) items in output order."""
    items = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = block.splitlines()
        if not lines:
            continue
        if lines[0].startswith("Table: "):
            rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
            items.append(("table", (lines[0][len("Table: "):], rows)))
        else:
            items.append(("text", block.strip()))
    return items


def _number(cell: str) -> float:
    cell = cell.strip().rstrip("%")
    return float(cell) if cell else float("nan")


def _frequencies(rows: list[list[str]]) -> dict:
    """A frequency table: {code: (frequency, valid percent)}, valid N."""
    counts, section = {}, None
    for row in rows[1:]:
        section = row[0] or section
        if section == "Valid" and row[1].strip():
            counts[_number(row[1])] = (int(_number(row[2])), _number(row[4]))
    return {"counts": counts, "valid": sum(c for c, _ in counts.values())}


def _by_first_column(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header = rows[0]
    return {r[0]: dict(zip(header[1:], r[1:])) for r in rows[1:] if r and r[0]}


def read_output(text: str, p: Plan) -> pd.DataFrame:
    """PSPP's CSV output of :func:`syntax` as one row per planned value: ``id, statistic, value``
    (a percent from PSPP's counts, a (min, max) pair for a range), ``n`` (the base), ``printed``
    (what PSPP prints: the summed valid percents, CORRELATIONS' r, or None)."""
    sections: dict[str, list] = {}
    current = None
    for kind, item in output_items(text):
        if kind == "text":
            current = item if item in _markers(p) else current
        elif current is not None:
            sections.setdefault(current, []).append(item)
    parsed = {}
    for ds in p.datasets.values():
        if ds.row_counts:
            tables = dict(sections.get(f"{ds.name}: rows", []))
            parsed[(ds.name, "rows")] = {flag: _frequencies(tables[flag]) for flag in ds.row_counts
                                         if flag in tables}
        for group in ds.groups.values():
            parsed[group.marker] = _read_group(group, sections.get(group.marker, []))
            for var in group.distinct:
                tables = sections.get(f"{group.marker} distinct {var}", [])
                parsed[(group.marker, var)] = (_by_first_column(tables[0][1]).get("rows")
                                               if tables else None)
    rows = []
    for pid, (statistic, spec) in p.values.items():
        if spec.get("range_of"):   # the lowest and highest of its parts, on the smallest base
            parts = [_value(parsed, p.datasets[part["dataset"]], part["statistic"], part)
                     for part in spec["range_of"]]
            found = {"value": None, "n": None, "printed": None} if any(
                part["value"] is None for part in parts) else {
                "value": (min(part["value"] for part in parts),
                          max(part["value"] for part in parts)),
                "n": min(part["n"] for part in parts), "printed": None}
        else:
            found = _value(parsed, p.datasets[spec["dataset"]], statistic, spec)
        rows.append({"id": pid, "statistic": statistic, **found})
    return pd.DataFrame(rows, columns=["id", "statistic", "value", "n", "printed"])


def _markers(p: Plan) -> set[str]:
    out = set()
    for ds in p.datasets.values():
        out.add(f"{ds.name}: rows")
        for g in ds.groups.values():
            out.add(g.marker)
            out.update(f"{g.marker} distinct {v}" for v in g.distinct)
    return out


def _read_group(group: Group, tables: list) -> dict:
    out: dict = {"frequencies": {}, "describe": {}, "pairs": []}
    queue = list(tables)
    for var in group.frequencies:
        if queue and queue[0][0] == var:
            out["frequencies"][var] = _frequencies(queue.pop(0)[1])
    if group.describe and queue and queue[0][0] == "Descriptive Statistics":
        out["describe"] = _by_first_column(queue.pop(0)[1])
    for x, _ in group.pairs:   # CORRELATIONS, then REGRESSION's Model Summary, Coefficients
        pair: dict = {}
        while queue and queue[0][0] != "Correlations":
            queue.pop(0)
        if queue:
            cells = {r[1]: r[2] for r in queue.pop(0)[1][1:] if len(r) > 2}
            pair.update(r_printed=_number(cells.get("Pearson Correlation", "")),
                        p_printed=_number(cells.get("Sig. (2-tailed)", "")),
                        n=int(_number(cells["N"])) if cells.get("N") else None)
        while queue and not queue[0][0].startswith("Coefficients"):
            queue.pop(0)
        if queue:
            slope = next((r for r in queue.pop(0)[1] if r and r[0] == x), None)
            if slope:
                pair.update(beta=_number(slope[3]), sig=_number(slope[5]))
        out["pairs"].append(pair)
    return out


def _value(parsed: dict, ds: DatasetPlan, statistic: str, spec: dict) -> dict:
    nothing = {"value": None, "n": None, "printed": None}
    group = ds.groups[spec.get("where") or None]
    found = parsed.get(group.marker) or {}
    if statistic == "count":
        how = spec.get("count", "rows")
        if how == "rows":
            table = parsed.get((ds.name, "rows"), {}).get(group.flag or "all_rows")
            if table is None:
                return nothing
            count = table["counts"].get(1.0, (0, None))[0]
            return {"value": count, "n": count, "printed": None}
        if how.startswith("max:"):
            row = found.get("describe", {}).get(how.removeprefix("max:"))
            return nothing if row is None else {"value": _number(row["Maximum"]),
                                                "n": int(_number(row["N"])), "printed": None}
        row = parsed.get((group.marker, how.removeprefix("distinct:")))
        return nothing if row is None else {"value": int(_number(row["N"])),
                                            "n": int(_number(row["Sum"])), "printed": None}
    if statistic == "percent":
        table = found.get("frequencies", {}).get(spec["var"])
        if table is None or not table["valid"]:
            return nothing
        codes = {float(c) for c in spec.get("codes", [1])}
        hits = sum(f for code, (f, _) in table["counts"].items() if code in codes)
        printed = sum(pct for code, (_, pct) in table["counts"].items() if code in codes)
        return {"value": 100 * hits / table["valid"], "n": table["valid"], "printed": printed}
    if statistic in ("mean", "sd", "range"):
        row = found.get("describe", {}).get(spec["var"])
        if row is None:
            return nothing
        value = {"mean": lambda: _number(row["Mean"]), "sd": lambda: _number(row["Std Dev"]),
                 "range": lambda: (_number(row["Minimum"]), _number(row["Maximum"]))}[statistic]()
        return {"value": value, "n": int(_number(row["N"])), "printed": None}
    index = group.pairs.index((spec["var"], spec["with"]))
    pair = found.get("pairs", [])[index] if index < len(found.get("pairs", [])) else {}
    if not pair:
        return nothing
    if statistic == "r":
        return {"value": pair.get("beta"), "n": pair.get("n"), "printed": pair.get("r_printed")}
    return {"value": pair.get("sig"), "n": pair.get("n"), "printed": pair.get("p_printed")}
