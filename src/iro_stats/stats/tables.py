"""The report's tables (and the data of its figures) from declarative layouts: one engine.

A layout (``specs/tables/*.yaml``, ``specs/figures.yaml``) says what a table shows; every number in
it is measured by :func:`iro_stats.stats.measures.measure`, the engine of the value specs, so a cell and
the published value it reproduces are the same computation. Three kinds of layout:

- ``grid`` (the default): **rows x columns**. Table-level fields (``dataset``, ``var``, ``codes``,
  ``where``, ``statistic``, ``count``, ``with``) are defaults, themselves defaulting to the
  layout's value block (``specs/values.yaml``); each column and each row adds or overrides fields
  (``where`` conditions are combined with *and*). String fields may name a row's or column's own
  keys in braces (``var: "{prefix}_valued"``). ``rows: codes`` gives one row per code of the
  variable's scale (``codes desc``: highest first; ``scale:`` names a codebook scale where the
  variable has none), ``rows: {vars: [...]}`` one row per 0/1 variable (a multi-response set),
  ``rows: values`` one row per published value of the block. ``extra_rows`` are shown in the
  table but not plotted (collapsed categories such as "always or often"); a row with
  ``only: [column keys]`` has cells in those columns alone.
- ``text``: every published value of ``blocks`` (a section's in-text statistics), each measured
  with its own value spec.

Statistics follow SPSS: a percentage is the valid percent over the non-missing answers of its
(sub)group; a multi-response option (0/1) is over those who answered the question; mean and SD
with n - 1. Each cell carries its exact value, count, base N, rows excluded as missing, a 95%
interval (Wilson for percentages, t for means; :mod:`iro_stats.stats.intervals`) and, where the report
prints it, the published id, value and the comparison's status. A cell the report prints *names*
its published value (``rows: values``, or the layout's ``values`` rules) and is measured with that
value's spec, so what it measures is stated once; fields the layout states for it must agree. A
published value of the layout's ``blocks`` (default: its id) that no cell names is an error,
unless the layout says ``partial: true`` (it shows some of a text section's values).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pandas as pd

from iro_stats.stats.intervals import mean_interval, wilson
from iro_stats.stats.measures import Columns, SpecError, measure, measure_in
from iro_stats.reference.loaders import parse_yaml, published_text
from iro_stats.stats.reproduce import reproduce
from iro_stats.common.rounding import printed

CELL_FIELDS = ("dataset", "var", "codes", "where", "with", "count")
TEMPLATED = ("dataset", "var", "where", "with", "count", "label")
DECIMALS = {"percent": 0, "mean": 1, "sd": 2, "count": 0, "range": 0, "r": 2, "p": 3}
CELL_COLUMNS = [
    "table", "row", "row_label", "column", "column_label", "plotted", "additive", "statistic",
    "dataset", "var", "codes", "where", "value", "exact", "display", "count", "base_n",
    "excluded_n", "outside_n", "ci_low", "ci_high", "population", "ci_low_fpc", "ci_high_fpc",
    "published_id", "published_value", "status", "note",
]


class LayoutError(SpecError):
    """A table or figure layout that does not fit the codebook, the data or the published values."""


@dataclass
class Context:
    """What every layout is measured against: the analysis frames (see
    :func:`iro_stats.dataset.analysis.analysis_frames`), the codebook, the published values with their
    resolved value specs and pending reasons, and the population sizes (dataset -> N) for the
    finite population correction (empty: no corrected intervals)."""

    frames: dict[str, pd.DataFrame]
    codebook: dict
    published: pd.DataFrame
    resolved: dict[str, dict]
    pending: dict[str, str] = field(default_factory=dict)
    populations: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, dict] = field(default_factory=dict)
    columns: dict[str, Columns] = field(init=False, repr=False)

    def __post_init__(self):
        self.columns = {name: Columns(frame) for name, frame in self.frames.items()}


def _read_spec(path: Path) -> dict:
    if not path.is_file():
        raise LayoutError(f"{path}: file not found")
    return parse_yaml(path.read_text(encoding="utf-8")) or {}


def load_layouts(paths: str | Path | list, section: str,
                 units: str | Path | None = None) -> dict[str, dict]:
    """The layouts of ``section`` (``tables`` or ``figures``) in one or more YAML spec files, in
    file order, each with the nouns of ``units`` (``specs/units.yaml``: dataset -> noun for the
    base line) put into it. A layout id defined in two files is an error."""
    nouns = (_read_spec(Path(units)).get("units") or {}) if units else {}
    layouts: dict[str, dict] = {}
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        for lid, spec in (_read_spec(Path(path)).get(section) or {}).items():
            if lid in layouts:
                raise LayoutError(f"{path}: {section} {lid} is defined in another file too")
            layouts[lid] = {"units": nouns, **spec}
    return layouts


def with_titles(layouts: dict[str, dict], published: pd.DataFrame) -> dict[str, dict]:
    """Each layout with ``source`` and ``title`` (default: its published block's)."""
    blocks = published.drop_duplicates("block").set_index("block")
    out = {}
    for lid, layout in layouts.items():
        known = lid in blocks.index
        if not (known or (layout.get("source") and layout.get("title"))):
            raise LayoutError(f"{lid}: not a published block; give it a source and a title")
        out[lid] = {"source": blocks.at[lid, "source"] if known else None,
                    "title": blocks.at[lid, "title"] if known else None,
                    **{k: v for k, v in layout.items() if v is not None}}
    return out


# --------------------------------------------------------------------------- naming


def _norm_where(where) -> str:
    return re.sub(r"\s+", "", str(where or "")).replace('"', "'")


def _same(field_name: str, mine, theirs) -> bool:
    if field_name == "where":
        return _norm_where(mine) == _norm_where(theirs)
    if field_name == "codes":
        return sorted(mine) == sorted(theirs)
    return mine == theirs


class _Named:
    """The published values of a layout's blocks, found by the short ids its cells name
    (``values:`` in the layout, or ``rows: values``); each may be named by one cell only."""

    def __init__(self, table_id: str, layout: dict, ctx: Context):
        self.table_id, self.ctx = table_id, ctx
        self.by_id = ctx.published.set_index("id")
        blocks = layout.get("blocks", [table_id])
        chosen = ctx.published[ctx.published["block"].isin(blocks)]
        self.ids = [pid for pid in chosen["id"] if pid in ctx.resolved]
        self.short: dict[str, str] = {}
        for pid in self.ids:
            name = pid.split(".", 1)[1]
            if name in self.short:
                raise LayoutError(f"{table_id}: {self.short[name]} and {pid} have the same "
                                  "name; give the cell the full id")
            self.short[name] = pid
        self.claimed: dict[str, str] = {}
        rules = layout.get("values")
        self.rules = {"*": rules} if isinstance(rules, str) else dict(rules or {})

    def name(self, row: dict, column: dict, fields: dict) -> str | None:
        """The id a cell names: its row's (``rows: values``), else the most specific rule of the
        layout's ``values`` (``row/column``, ``row``, ``*/column``, ``*``), filled in."""
        if row.get("_value"):
            return row["_value"]
        rkey, ckey = str(row["key"]), str(column["key"])
        for address in (f"{rkey}/{ckey}", rkey, f"*/{ckey}", "*"):
            if address in self.rules:
                return str(self.rules[address]).format_map({**fields, "row": rkey,
                                                            "column": ckey})
        return None

    def claim(self, name: str | None, where: str) -> str | None:
        """The published id of ``name`` (None: the report prints no such value)."""
        if name is None:
            return None
        pid = name if name in self.ids else self.short.get(name)
        if pid is None:
            return None
        if pid in self.claimed:
            raise LayoutError(f"{self.table_id}: {pid} is named by cells {self.claimed[pid]} "
                              f"and {where}")
        self.claimed[pid] = where
        return pid

    def spec(self, pid: str, own: dict, statistic: str | None, where: str) -> tuple[str, dict]:
        """The named value's statistic and spec; a field the layout also gives must agree."""
        spec = self.ctx.resolved[pid]
        published = self.by_id.at[pid, "statistic"]
        for name, mine in own.items():
            if name in spec and not _same(name, mine, spec[name]):
                raise LayoutError(f"{self.table_id}: cell {where} names {pid}, but its {name} "
                                  f"is {mine!r} and the value spec's {spec[name]!r}")
        if statistic and statistic != published:
            raise LayoutError(f"{self.table_id}: cell {where} names {pid}, but its statistic is "
                              f"{statistic}, the published value's {published}")
        return published, spec

    def unclaimed(self) -> list[str]:
        return [pid for pid in self.ids if pid not in self.claimed]


# --------------------------------------------------------------------------- one cell


def _display(value, statistic: str, decimals: int) -> str:
    if isinstance(value, tuple):
        return "-".join(printed(v, decimals) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return printed(value, decimals)


def measure_cell(ctx: Context, statistic: str, spec: dict, decimals: int | None = None) -> dict:
    """One statistic on one spec: exact value, display, count, base, exclusions and interval."""
    decimals = DECIMALS.get(statistic, 2) if decimals is None else decimals
    out = {"statistic": statistic, "dataset": spec["dataset"], "var": spec.get("var"),
           "codes": " ".join(str(c) for c in spec.get("codes", [])) if statistic == "percent"
           else "", "where": spec.get("where") or ""}
    try:
        m = measure_in(ctx.columns, statistic, spec)
    except SpecError as exc:
        return {**out, "value": math.nan, "display": "", "note": str(exc)}
    population = ctx.populations.get(spec["dataset"])
    out.update(base_n=m.base_n, excluded_n=m.excluded, outside_n=m.outside,
               display=_display(m.value, statistic, decimals))
    if isinstance(m.value, tuple):
        return {**out, "value": math.nan, "exact": f"{m.value[0]:g}-{m.value[1]:g}"}
    out.update(value=float(m.value), exact=str(m.value) if isinstance(m.value, (Fraction, int))
               else repr(float(m.value)))
    if statistic == "percent":
        count = int(m.value * m.base_n / 100)
        out.update(count=count)
        out["ci_low"], out["ci_high"] = wilson(count, m.base_n)
        if population:
            out["population"] = population
            out["ci_low_fpc"], out["ci_high_fpc"] = wilson(count, m.base_n, population)
    elif statistic == "count":
        out.update(count=int(m.value))
    elif statistic == "mean" and m.base_n >= 2:
        sd = float(measure(ctx.columns[spec["dataset"]], "sd", spec).value)
        out["ci_low"], out["ci_high"] = mean_interval(float(m.value), sd, m.base_n)
        if population:
            out["population"] = population
            out["ci_low_fpc"], out["ci_high_fpc"] = mean_interval(float(m.value), sd, m.base_n,
                                                                  population)
    return out


# --------------------------------------------------------------------------- grids


def _scale(ctx: Context, fields: dict) -> dict:
    if fields.get("scale"):
        return ctx.codebook["scales"][fields["scale"]]
    variable = _variable(ctx, fields)
    values = variable.get("values") if variable else None
    if isinstance(values, str):
        return ctx.codebook["scales"][values]
    if not values:
        raise LayoutError(f"{fields.get('dataset')}.{fields.get('var')}: no codes in the "
                          "codebook; give the layout a scale")
    return values


def _variable(ctx: Context, fields: dict) -> dict | None:
    dataset = ctx.codebook["datasets"].get(fields.get("dataset"), {})
    return next((v for v in dataset.get("variables", []) if v["name"] == fields.get("var")),
                None)


def _fill(fields: dict) -> dict:
    out = dict(fields)
    for name in TEMPLATED:
        if isinstance(out.get(name), str) and "{" in out[name]:
            out[name] = out[name].format_map(fields)
    return out


def _items(items, base: dict, ctx: Context) -> list[dict]:
    """Rows or columns of a layout: a list (of fields, or of keys alone), ``codes`` /
    ``codes desc`` or ``{vars: [...]}``."""
    if items is None:
        return []
    if isinstance(items, str):
        how, _, order = items.partition(" ")
        if how != "codes":
            raise LayoutError(f"unknown row/column generator {items!r}")
        scale = _scale(ctx, _fill(base))
        codes = sorted((int(c) for c in scale), reverse=order.strip() == "desc")
        return [{"key": str(c), "label": scale.get(c, scale.get(str(c))), "codes": [c],
                 "_additive": True} for c in codes]
    if isinstance(items, dict) and "vars" in items:
        return [{"key": v, "var": v} for v in items["vars"]]
    return [{"key": item} if isinstance(item, str) else dict(item) for item in items]


def _where(*parts) -> str | None:
    parts = [p for p in parts if p]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)


def _merge(base: dict, *parts: dict) -> dict:
    """Fields of a cell: ``base`` overridden by each part in turn, templates filled, the
    ``where`` conditions of all combined."""
    out = _fill({k: v for fields in (base, *parts) for k, v in fields.items()})
    out["where"] = _where(*(fields.get("where") for fields in (base, *parts)))
    return out


def _spec(fields: dict) -> dict:
    return {k: fields[k] for k in CELL_FIELDS if fields.get(k) is not None}


def _var_label(ctx: Context, spec: dict) -> str | None:
    variable = _variable(ctx, spec)
    if not variable:
        return None
    label = variable.get("label", "").split(": ", 1)[-1]
    return label[:1].upper() + label[1:]


def _value_rows(named: _Named) -> list[dict]:
    """``rows: values``: one row per published value of the blocks, keyed by its short id. The
    rows are one distribution (additive, for disclosure control) when they are percentages of
    one variable over one base with disjoint codes."""
    rows = [{"key": pid.split(".", 1)[1], "_value": pid} for pid in named.ids]
    specs = [named.ctx.resolved[pid] for pid in named.ids]
    statistics = named.by_id.loc[named.ids, "statistic"]
    codes = [c for spec in specs for c in spec.get("codes", [])]
    one_base = len({(s.get("dataset"), s.get("var"), _norm_where(s.get("where")))
                    for s in specs}) == 1
    if one_base and (statistics == "percent").all() and len(codes) == len(set(codes)):
        for row in rows:
            row["_additive"] = True
    return rows


def _block_defaults(table_id: str, layout: dict, ctx: Context) -> dict:
    """Defaults for a layout's cells from its value block's fields (``specs/values.yaml``: the
    block of the layout's id, else of its first ``blocks`` entry)."""
    block = ctx.blocks.get(table_id) or ctx.blocks.get((layout.get("blocks") or [None])[0]) or {}
    return {k: block[k] for k in ("dataset", "var", "codes", "where") if k in block}


def grid_cells(table_id: str, layout: dict, ctx: Context) -> pd.DataFrame:
    """Every cell of a grid layout, measured; a cell that names a published value (``values``,
    ``rows: values``) is measured with that value's spec and carries it."""
    stated = {k: v for k, v in layout.items() if k in (*CELL_FIELDS, "statistic", "scale")}
    table_fields = {**_block_defaults(table_id, layout, ctx), **stated}
    columns = _items(layout.get("columns") or [{"key": "value", "label": layout.get(
        "column_label", "%")}], table_fields, ctx)
    first = {**table_fields, **columns[0]}     # unfilled: a row may supply a template's keys
    first["where"] = _where(table_fields.get("where"), columns[0].get("where"))
    named = _Named(table_id, layout, ctx)
    if layout.get("rows") == "values":
        if len(columns) > 1:
            raise LayoutError(f"{table_id}: rows: values needs a single column")
        rows = _value_rows(named)
    else:
        rows = _items(layout.get("rows"), first, ctx)
    by_id = named.by_id
    cells = []
    for rows, plotted in ((rows, True), (_items(layout.get("extra_rows"), first, ctx), False)):
        for row in rows:
            for column in columns:
                if row.get("only") and column["key"] not in row["only"]:
                    continue
                where = f"{row['key']}/{column['key']}"
                merged = _merge(table_fields, column, row)
                statistic, spec = merged.get("statistic"), _spec(merged)
                pid = named.claim(named.name(row, column, merged), where)
                if pid:     # the value's spec; what the layout itself states must agree
                    own = _merge(stated, column, row)
                    statistic, spec = named.spec(pid, _spec(own), own.get("statistic"), where)
                decimals = int(by_id.at[pid, "decimals"]) if pid else None
                cell = measure_cell(ctx, statistic or "percent", spec, decimals)
                cells.append({"table": table_id, "row": str(row["key"]),
                              "row_label": row.get("label"), "column": str(column["key"]),
                              "column_label": column.get("label", column["key"]),
                              "plotted": plotted, "additive": bool(row.get("_additive")),
                              **cell, "published_id": pid})
    if named.unclaimed() and not layout.get("partial"):
        raise LayoutError(f"{table_id}: published values no cell names: "
                          f"{', '.join(named.unclaimed())}")
    frame = pd.DataFrame(cells)
    # Row labels: the layout's, else the report's label of the row's published value, else the
    # codebook's variable label.
    for key, members in frame.groupby("row", sort=False):
        if members["row_label"].notna().any():
            continue
        pids = members["published_id"].dropna()
        label = (by_id.at[pids.iloc[0], "label"] if len(pids)
                 else _var_label(ctx, {"dataset": members["dataset"].iloc[0],
                                       "var": members["var"].iloc[0]}) or key)
        frame.loc[members.index, "row_label"] = label
    return frame


# --------------------------------------------------------------------------- text statistics


def text_cells(table_id: str, layout: dict, ctx: Context) -> pd.DataFrame:
    """Every published value of the layout's blocks (a section's in-text statistics), measured
    with its own value spec; values without one say why (pending or not computable)."""
    chosen = ctx.published[ctx.published["block"].isin(layout["blocks"])]
    cells = []
    for row in chosen.itertuples():
        base = {"table": table_id, "row": row.id.split(".", 1)[1], "row_label": row.label,
                "column": row.block, "column_label": row.source, "plotted": False,
                "additive": False, "published_id": row.id}
        spec = ctx.resolved.get(row.id)
        if spec is None:
            note = ctx.pending.get(row.id) or row.not_computable
            cells.append({**base, "statistic": row.statistic, "dataset": None, "value": math.nan,
                          "note": note})
            continue
        cells.append({**base, **measure_cell(ctx, row.statistic, spec, int(row.decimals))})
    return pd.DataFrame(cells)


# --------------------------------------------------------------------------- published beside


def compare(cells: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Add the published value and the comparison's status (by :func:`iro_stats.stats.reproduce
    .reproduce`, the reproduction's own judge) to every cell that carries one. A cell whose value
    differs from the reproduction's measurement of the same published value is an engine error."""
    out = cells.copy()
    ids = out["published_id"].dropna().tolist()
    if not ids:
        return out
    chosen = ctx.published[ctx.published["id"].isin(ids)]
    judged = reproduce(ctx.columns, ctx.resolved, chosen, ctx.pending).set_index("id")
    rows = chosen.set_index("id")
    for i, pid in out["published_id"].items():
        if pd.isna(pid):
            continue
        out.at[i, "published_value"] = published_text(rows.loc[pid])
        out.at[i, "status"] = judged.at[pid, "status"]
        again = judged.at[pid, "reproduced"]
        mine = out.at[i, "value"]
        if isinstance(again, float) and not (math.isnan(mine) and math.isnan(again)) \
                and not math.isclose(mine, again, rel_tol=1e-12, abs_tol=1e-12):
            raise LayoutError(f"{out.at[i, 'table']}: cell {out.at[i, 'row']}/"
                              f"{out.at[i, 'column']} gives {mine}, the reproduction {again} "
                              f"for {pid}")
        if pd.isna(out.at[i, "note"]) and pd.notna(judged.at[pid, "note"]):
            out.at[i, "note"] = judged.at[pid, "note"]
    return out


def build(table_id: str, layout: dict, ctx: Context) -> pd.DataFrame:
    """The cells of one layout (grid or text), compared with the published values, in
    :data:`CELL_COLUMNS` order."""
    kind = layout.get("kind", "grid")
    if kind == "grid":
        cells = grid_cells(table_id, layout, ctx)
    elif kind == "text":
        cells = text_cells(table_id, layout, ctx)
    else:
        raise LayoutError(f"{table_id}: unknown kind {kind!r} (grid or text)")
    for column in CELL_COLUMNS:
        if column not in cells.columns:
            cells[column] = None
    cells = cells[CELL_COLUMNS].astype({"published_value": object, "status": object,
                                        "note": object})
    return compare(cells, ctx)


# --------------------------------------------------------------------------- base line


def _n(values: pd.Series) -> str:
    low, high = int(values.min()), int(values.max())
    return f"{low}" if low == high else f"{low}-{high}"


def base_line(cells: pd.DataFrame, layout: dict) -> str:
    """The line under a table or figure, as the report prints it: ``N=295 IROs``,
    ``N=281-287 IROs``, ``N=263 IROs; 59 IRO managers; 59 DCSs`` or, for subgroups,
    ``county councils N=77; unitary authorities N=60``."""
    if layout.get("base_line"):
        return layout["base_line"]
    units = layout.get("units", {})
    bases = cells[cells["statistic"].isin(["percent", "mean", "sd"]) & cells["base_n"].notna()]
    if bases.empty:
        return ""
    datasets = list(dict.fromkeys(bases["dataset"]))
    if len(datasets) > 1:
        parts = [f"{_n(bases.loc[bases['dataset'] == d, 'base_n'])} {units.get(d, d)}"
                 for d in datasets]
        return "N=" + "; ".join(parts)
    unit = units.get(datasets[0], datasets[0])
    wheres = bases.groupby("column", sort=False)["where"].first()
    if len(wheres) > 1 and wheres.nunique() > 1 and layout.get("base_by_column", True):
        labels = bases.groupby("column", sort=False)["column_label"].first()
        parts = [f"{labels[c]} N={_n(bases.loc[bases['column'] == c, 'base_n'])}"
                 for c in wheres.index]
        return f"{unit[:1].upper()}{unit[1:]}: " + "; ".join(parts)
    return f"N={_n(bases['base_n'])} {unit}"


# --------------------------------------------------------------------------- disclosure


def suppress(cells: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Disclosure control (:func:`iro_stats.stats.disclosure.suppress`): counts below ``threshold`` and
    the cells they could be derived from are blanked (value, count, display, intervals and the
    comparison, which would reveal them) and marked in ``suppression``. A column of a
    distribution (rows from a scale's codes) is one additive group."""
    from iro_stats.stats.disclosure import suppress as _suppress

    numeric = ["value", "count", "ci_low", "ci_high", "ci_low_fpc", "ci_high_fpc"]
    out = _suppress(cells.astype({c: float for c in numeric}), threshold,
                    group=["table", "column"], additive="additive", blank=numeric)
    hidden = out["suppression"] != ""
    out.loc[hidden, ["display", "exact", "status"]] = None
    return out


def build_layouts(frames_dir, codebook_path, published_path, specs_path, layout_paths,
                  section: str, units_path, populations: dict[str, int],
                  threshold: int | None, planned: pd.DataFrame | None = None
                  ) -> dict[str, tuple[dict, pd.DataFrame, str]]:
    """Every layout of ``section`` (tables or figures) measured on the analysis frames of
    ``frames_dir``: layout id -> (layout, cells, base line), cells suppressed at ``threshold``
    (None: no disclosure control) and, with ``planned``, as the disclosure plan of every output
    says (:mod:`iro_stats.stats.disclosure_plan`)."""
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.reference.loaders import load_codebook
    from iro_stats.stats.measures import load_resolved

    published, specs, resolved = load_resolved(published_path, specs_path)
    ctx = Context(read_analysis_frames(frames_dir), load_codebook(codebook_path), published,
                  resolved, specs["pending"], populations, specs["blocks"])
    built = {}
    for lid, layout in with_titles(load_layouts(layout_paths, section, units_path),
                                   published).items():
        cells = build(lid, layout, ctx)
        if threshold is not None:
            cells = suppress(cells, threshold)
        if planned is not None:
            from iro_stats.stats.disclosure_plan import hide_planned_cells

            cells = hide_planned_cells(cells, f"{section}/{lid}.csv", resolved, planned)
        built[lid] = (layout, cells, base_line(cells, layout))
    return built


def summary(built: dict[str, tuple[dict, pd.DataFrame, str]]) -> str:
    """How many layouts, published values carried and matching."""
    carried = sum(int(c["published_id"].notna().sum()) for _, c, _ in built.values())
    matching = sum(int((c["status"] == "match").sum()) for _, c, _ in built.values())
    return f"{len(built)} layouts; {carried} published values carried, {matching} match"
