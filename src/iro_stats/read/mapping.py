"""The mapping of a real survey export to the codebook: what an analyst configures, never edits.

One section per dataset (format and every feature: ``data/mapping.example.yaml``; shape:
``schemas/mapping.schema.yaml``). Applied by :func:`apply` in this order, each step on the
export's rows as the previous one left them:

1. ``exclude``: rows dropped by a condition on an export variable (``Finished == 0``), each with
   its reason; the ledger lists every excluded row.
2. ``rename``: export name -> codebook name.
3. ``la``: the local authority given as its name (spelling normalised: "Bristol, City of", "City
   of Bristol" and "Bristol City Council" are one), ONS (GSS 2012) code, DfE number or our code,
   turned into ``la_code``; a name that matches nothing is an error that suggests the closest
   frame names, and ``aliases`` settle the rest.
4. ``recode`` (one variable) and ``recodes`` (one recode for a list or a pattern of variables):
   export code -> codebook code; the key ``null`` recodes system-missing.
5. ``routed``: a set asked only of those whose gate answer is in ``shown``: system-missing becomes
   the set's ``unticked`` code for those shown it, -98 (routed out) for the others and -99 (not
   answered) where the gate itself is unanswered.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from iro_stats.common.errors import ExtractError
from iro_stats.reference.loaders import missing_codes, parse_yaml, schema_errors

CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")
LA_BY = {"code": "la_code", "name": None, "ons": "gss_code_2012", "dfe": "dfe_la_number"}
# words that spell the same authority differently ("Bristol City Council", "City of Bristol")
LA_NOISE = {"council", "borough", "city", "county", "metropolitan", "district", "royal",
            "corporation", "of", "the", "mbc", "cc", "lbc"}


class MappingError(ExtractError):
    """A mapping that cannot be applied to its export."""


@dataclass
class Applied:
    """An export after its mapping: the frame, the rows excluded and what each step did."""

    frame: pd.DataFrame
    excluded: list[tuple[int, str, str]] = field(default_factory=list)   # (row, id, reason)
    recoded: dict[str, int] = field(default_factory=dict)
    recode_map: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def load_mapping(path: str | Path | None, codebook: dict) -> dict:
    """The mapping file, checked against its schema and the codebook: known datasets,
    canonical targets that exist, patterns that match a variable."""
    if path is None:
        return {}
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"{path}: mapping file not found")
    try:
        document = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: mapping is not valid YAML: {exc}") from None
    problems = schema_errors(document, "mapping")
    if problems:
        raise MappingError(f"{path}: the mapping's shape is wrong:\n  " + "\n  ".join(problems)
                           + "\n  (format: data/mapping.example.yaml)")
    for dataset, section in document.items():
        if dataset not in codebook["datasets"]:
            problems.append(f"unknown dataset {dataset!r} (known: {', '.join(codebook['datasets'])})")
            continue
        known = [v["name"] for v in codebook["datasets"][dataset]["variables"]]
        section = section or {}
        for source, target in (section.get("rename") or {}).items():
            if target not in known:
                problems.append(f"{dataset}: rename {source} -> {target}: {target} is not a "
                                f"variable of the codebook's {dataset} dataset")
        for target in section.get("recode") or {}:
            if target not in known:
                problems.append(f"{dataset}: recode of {target}: not a variable of the codebook")
        for kind in ("recodes", "routed"):
            for i, entry in enumerate(section.get(kind) or [], start=1):
                names = targets(entry, known)
                unknown = sorted(set(entry.get("vars") or []) - set(known))
                if unknown:
                    problems.append(f"{dataset}: {kind} entry {i}: not variables of the "
                                    f"codebook: {', '.join(unknown)}")
                elif not names:
                    problems.append(f"{dataset}: {kind} entry {i}: pattern "
                                    f"{entry.get('pattern')!r} matches no variable")
                if kind == "routed" and entry["gate"] not in known:
                    problems.append(f"{dataset}: routed entry {i}: gate {entry['gate']} is not a "
                                    "variable of the codebook")
        for i, entry in enumerate(section.get("exclude") or [], start=1):
            if not CONDITION.match(entry["where"]):
                problems.append(f"{dataset}: exclude entry {i}: condition {entry['where']!r} is "
                                "not 'VARIABLE OP VALUE' (OP one of == != < <= > >=)")
    if problems:
        raise MappingError(f"{path}: mapping problems:\n  " + "\n  ".join(problems))
    return document


def targets(entry: dict, known: list[str]) -> list[str]:
    """The codebook variables a ``recodes`` or ``routed`` entry names: its ``vars`` or the
    variables its ``pattern`` (shell-style, ``iro_review_*``) matches."""
    if entry.get("vars"):
        return [v for v in entry["vars"] if v in known]
    return [v for v in known if fnmatch.fnmatchcase(v, entry.get("pattern", ""))]


def _is_null(key) -> bool:
    return key is None or str(key).lower() == "null"


def code_pairs(codes: dict) -> dict[float, float]:
    """``{export code: codebook code}`` as numbers, without the ``null`` (system-missing) key."""
    return {float(k): float(v) for k, v in codes.items() if not _is_null(k)}


def _recode(series: pd.Series, codes: dict) -> tuple[pd.Series, int]:
    out = series.replace(code_pairs(codes))
    blank = [float(v) for k, v in codes.items() if _is_null(k)]
    if blank:
        out = out.where(series.notna(), blank[0])
    return out, int((~(series.eq(out) | (series.isna() & out.isna()))).sum())


def _condition(frame: pd.DataFrame, where: str, path: str) -> pd.Series:
    name, op, raw = CONDITION.match(where).groups()
    if name not in frame.columns:
        raise MappingError(f"{path}: exclude {where!r}: the export has no variable {name}")
    value: object = raw.strip("'\"") if raw[:1] in "'\"" else float(raw)
    column = frame[name]
    ops = {"==": column.eq, "!=": column.ne, "<": column.lt, "<=": column.le, ">": column.gt,
           ">=": column.ge}
    return ops[op](value).fillna(False).astype(bool)


def la_key(name: str) -> str:
    """An authority's name with its spelling normalised (case, punctuation, '&', the words
    'council', 'city of', 'borough' ...): ``Bristol, City of`` -> ``bristol``."""
    text = re.sub(r"london borough of|royal borough of", " ", str(name).lower())
    text = re.sub(r"[^a-z0-9]+", " ", text.replace("&", " and "))
    return " ".join(w for w in text.split() if w not in LA_NOISE)


def la_lookup(frame: pd.DataFrame) -> dict[str, str]:
    """Normalised name -> la_code for every LA's full and short name (a key two LAs share is
    left out: such a name needs an alias)."""
    keys: dict[str, set[str]] = {}
    for row in frame.itertuples():
        for name in (row.name, row.short_name):
            keys.setdefault(la_key(name), set()).add(row.la_code)
    return {k: next(iter(v)) for k, v in keys.items() if len(v) == 1 and k}


def _la(frame: pd.DataFrame, spec: dict, la_frame: pd.DataFrame, path: str,
        ids: pd.Series) -> pd.Series:
    source = spec["variable"]
    if source not in frame.columns:
        raise MappingError(f"{path}: la.variable {source}: the export has no such variable")
    values = frame[source]
    blank = values.isna() | (values.astype(str).str.strip() == "")
    aliases = {la_key(k): v for k, v in (spec.get("aliases") or {}).items()}
    by = spec.get("by", "name")
    if by == "name":
        lookup = {**la_lookup(la_frame), **aliases}
        codes = values.map(lambda v: lookup.get(la_key(v)))
    else:
        column = la_frame[LA_BY[by]]
        norm = (lambda v: str(int(float(v)))) if by == "dfe" else (lambda v: str(v).strip())
        lookup = dict(zip(column.map(norm), la_frame["la_code"]))
        codes = values.map(lambda v: None if pd.isna(v) or str(v).strip() == "" else
                           lookup.get(norm(v)))
    miss = codes.isna() & ~blank
    if miss.any():
        names = list(la_frame["name"]) + list(la_frame["short_name"])
        lines = []
        for value in list(dict.fromkeys(values[miss]))[:10]:
            rows = ids[miss & (values == value)].tolist()
            close = difflib.get_close_matches(str(value), names, n=3, cutoff=0.5)
            lines.append(f"{value!r} (rows {', '.join(map(str, rows[:5]))}"
                         f"{' ...' if len(rows) > 5 else ''})"
                         + (f": closest frame names {', '.join(map(repr, close))}" if close
                            else ""))
        raise MappingError(
            f"{path}: {source}: {int(miss.sum())} row(s) name an authority the LA frame does not "
            f"know (la.by: {by}):\n    " + "\n    ".join(lines)
            + "\n  Correct the spelling in the export's list, or add it to la.aliases "
            "(name: LA code) in the mapping.")
    return codes.where(~blank, "").astype(str)


def apply(frame: pd.DataFrame, section: dict, path: str, codebook: dict, dataset: str,
          la_frame: pd.DataFrame | None = None) -> Applied:
    """The mapping's section for ``dataset`` applied to an export (steps in the module
    docstring). Rows are named by the export's respondent id, or by row number where it is
    blank."""
    known = [v["name"] for v in codebook["datasets"][dataset]["variables"]]
    rename = dict(section.get("rename") or {})
    id_name = codebook["datasets"][dataset]["id"]
    raw_id = next((k for k, v in rename.items() if v == id_name), id_name)
    rows = pd.Series(range(1, len(frame) + 1), index=frame.index)
    ids = frame[raw_id].astype(str).where(frame[raw_id].notna(), "") if raw_id in frame else \
        pd.Series("", index=frame.index)
    named = ids.where(ids.str.strip() != "", "row " + rows.astype(str))
    applied = Applied(frame)
    keep = pd.Series(True, index=frame.index)
    for entry in section.get("exclude") or []:
        hit = _condition(frame, entry["where"], path) & keep
        applied.excluded += [(int(rows[i]), ids[i], entry["reason"]) for i in frame.index[hit]]
        keep &= ~hit
    frame = frame[keep].rename(columns=rename)
    named = named[keep]
    if section.get("la"):
        frame = frame.copy()
        frame["la_code"] = _la(frame, section["la"], la_frame, path, named)
        applied.notes.append(f"la_code from {section['la']['variable']} "
                             f"(by {section['la'].get('by', 'name')})")
    present = [v for v in known if v in frame.columns]
    recodes = [({var: codes}) for var, codes in (section.get("recode") or {}).items()]
    recodes += [{var: entry["codes"] for var in targets(entry, present)}
                for entry in section.get("recodes") or []]
    if recodes:
        frame = frame.copy()
    for group in recodes:
        for var, codes in group.items():
            if var in frame.columns:
                frame[var], changed = _recode(frame[var], codes)
                applied.recoded[var] = applied.recoded.get(var, 0) + changed
                applied.recode_map[var] = {**applied.recode_map.get(var, {}), **codes}
    missing = missing_codes(codebook)
    for entry in section.get("routed") or []:
        gate = frame[entry["gate"]] if entry["gate"] in frame.columns else None
        if gate is None:
            raise MappingError(f"{path}: routed set's gate {entry['gate']} is not in the export")
        shown = gate.isin([float(c) for c in entry["shown"]])
        unanswered = gate.isna() | gate.isin([float(c) for c in missing.all])
        for var in targets(entry, present):
            blank = frame[var].isna()
            frame[var] = frame[var].mask(blank & shown, float(entry["unticked"]))
            frame[var] = frame[var].mask(blank & ~shown & unanswered, float(missing.not_answered))
            frame[var] = frame[var].mask(blank & ~shown & ~unanswered,
                                         float(missing.routed_out))
        applied.notes.append(f"routed set on {entry['gate']} in {entry['shown']}: "
                             f"{len(targets(entry, present))} variables")
    applied.frame = frame
    return applied
