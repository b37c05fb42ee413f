"""A first mapping of a real export, for the analyst to review (``iro-stats mapping draft``).

Each export variable is matched to the codebook by its label against our question texts and
labels (:func:`_similarity`, 0-100; one codebook variable per export variable, best
scores first); its value labels are matched against the codebook's scale to propose a recode (a
reversed scale, yes/no as 1/2, "don't know" and the declared missing codes as -99); routed
checkbox sets are proposed from the codebook's routing, and an unrouted checkbox left blank is
"not ticked" (``null: 0``); the variable holding the authority is
found by how many of its values the LA frame resolves (by name, ONS or DfE code); a completion
flag (``Finished``) becomes an exclusion. Every proposal carries its score; those below
``SURE`` are marked ``REVIEW``, so is a match with a rival codebook variable within
``AMBIGUOUS`` points, and export variables below ``LEAST`` are left unmapped (the workflow drops
and lists them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iro_stats.reference.loaders import scale_of

SURE, LEAST = 90, 60
AMBIGUOUS = 2      # a rival within this many points makes a match doubtful
MISSING_WORDS = ("don't know", "dont know", "not sure", "prefer not", "no answer",
                 "not applicable", "n/a", "refused")
FLAGS = ("finished", "complete", "completed")


@dataclass
class Proposal:
    export: str
    target: str | None
    score: float
    why: str

    @property
    def review(self) -> bool:
        return self.score < SURE


def _norm(text: str) -> str:
    text = re.sub(r"^\s*(q(uestion)?\s*)?\d+[a-z]?[.):_\s-]+", " ", str(text).lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _scale(codebook: dict, var: dict) -> dict[float, str]:
    return {float(k): str(v) for k, v in scale_of(codebook, var).items()}


def _similarity(a: str, b: str) -> float:
    """0-100: the mean of rapidfuzz's token-set ratio (word order and extra words forgiven) and
    token-sort ratio (extra words count), so that "duties? Other" does not match every item of
    its question as a subset would."""
    from rapidfuzz import fuzz

    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def match_variables(labels: dict[str, str], variables: list[dict]) -> list[Proposal]:
    """Export variable -> codebook variable by label (one to one, best scores first)."""
    scores = []
    for export, label in labels.items():
        for var in variables:
            if export == var["name"]:
                scores.append((100.0, export, var["name"], "same name"))
                continue
            texts = [var.get("question"), var.get("label")]
            best = max((_similarity(_norm(label or export), _norm(t)), t)
                       for t in texts if t)
            scores.append((float(best[0]), export, var["name"], f"label ~ {best[1]!r}"))
    scores.sort(key=lambda s: (-s[0], s[1], s[2]))
    best: dict[str, list] = {}
    for score, export, target, _ in scores:
        best.setdefault(export, []).append((score, target))
    taken_export, taken_target, out = set(), set(), {}
    for score, export, target, why in scores:
        if export in taken_export or target in taken_target or score < LEAST:
            continue
        taken_export.add(export)
        taken_target.add(target)
        rival = next((t for sc, t in best[export] if t != target and sc >= score - AMBIGUOUS),
                     None)
        if rival and why != "same name":   # two codebook variables fit about as well
            score, why = min(score, SURE - 1), f"{why}; as close to {rival}"
        out[export] = Proposal(export, target, round(score, 1), why)
    return [out.get(e, Proposal(e, None, 0.0, "no codebook variable matches")) for e in labels]


def propose_recode(value_labels: dict, declared: list, scale: dict[float, str]) -> dict:
    """Export code -> codebook code from the value labels (only where they differ), the
    missing-looking labels and declared missing codes -> -99."""
    from rapidfuzz import fuzz

    recode = {}
    for code, text in (value_labels or {}).items():
        code = float(code)
        if any(w in str(text).lower() for w in MISSING_WORDS):
            recode[code] = -99.0
            continue
        best = max(scale.items(), key=lambda kv: fuzz.ratio(_norm(text), _norm(kv[1])),
                   default=None)
        if best and fuzz.ratio(_norm(text), _norm(best[1])) >= 80 and best[0] != code:
            recode[code] = best[0]
    for item in declared or []:
        if not isinstance(item, dict) and float(item) not in recode and float(item) not in scale:
            recode[float(item)] = -99.0
    return recode


def find_la(frame: pd.DataFrame, la_frame: pd.DataFrame) -> tuple[str, str, float] | None:
    """The export variable that holds the authority: (variable, by, share resolved)."""
    from iro_stats.read.mapping import LA_BY, la_key, la_lookup

    names = la_lookup(la_frame)
    best = None
    for column in frame.columns:
        values = frame[column].dropna()
        values = values[values.astype(str).str.strip() != ""]
        if values.empty:
            continue
        for by, field in LA_BY.items():
            if by == "name":
                hits = values.map(lambda v: la_key(v) in names)
            elif by == "dfe":
                numbers = pd.to_numeric(values, errors="coerce")
                hits = numbers.isin(set(la_frame[field].astype(int)))
            else:
                hits = values.astype(str).str.strip().isin(set(la_frame[field].astype(str)))
            share = float(hits.mean())
            if share >= 0.5 and (best is None or share > best[2]):
                best = (column, by, share)
    return best


def _shown_codes(rule: str | None, variables: dict, codebook: dict
                 ) -> tuple[str, tuple[float, ...]] | None:
    """A routing rule on one gate (``iro_review_timely < 5``) as the gate's codes that show the
    question; None for a rule on several variables or a gate without a scale."""
    if not rule:
        return None
    names = {n for n in re.findall(r"[A-Za-z_]\w*", rule) if n in variables}
    if len(names) != 1:
        return None
    gate = names.pop()
    codes = sorted(_scale(codebook, variables[gate]))
    if not codes:
        return None
    shown = pd.DataFrame({gate: codes}).eval(rule)
    return gate, tuple(c for c, ok in zip(codes, shown) if ok)


def draft(path: str | Path, dataset: str, codebook: dict, la_frame: pd.DataFrame
          ) -> tuple[str, list[Proposal]]:
    """The draft mapping of one export (YAML text with its scores as comments) and the
    proposals."""
    from iro_stats.read.spss import read_sav

    frame, meta = read_sav(Path(path))
    variables = codebook["datasets"][dataset]["variables"]
    by_name = {v["name"]: v for v in variables}
    labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names)))
    la = find_la(frame, la_frame)
    flags = [c for c in frame.columns if c.lower() in FLAGS]
    skip = {la[0]} if la else set()
    skip |= set(flags)
    proposals = match_variables({k: v for k, v in labels.items() if k not in skip},
                                [v for v in variables if v["kind"] != "la"])
    declared = {**(meta.missing_ranges or {}), **(meta.missing_user_values or {})}
    lines = [(f"# Draft mapping of {Path(path).name} ({dataset}), written by iro-stats mapping "
              "draft."), f"# Scores 0-100; REVIEW below {SURE}. Check every line, then run",
             f"#   iro-stats validate {Path(path).name} --survey {dataset} --mapping THIS_FILE",
             f"{dataset}:"]
    if flags:
        lines += ["  exclude:", (f"    - {{where: \"{flags[0]} == 0\", reason: partial "
                                 "response}   # REVIEW: the export's completion flag")]
    lines.append("  rename:")
    for p in proposals:
        if p.target and p.target != p.export:
            lines.append(f"    {p.export}: {p.target}   # {p.score:g}{' REVIEW' if p.review else ''}"
                         f": {p.why[:90]}")
    for p in proposals:
        if not p.target:
            lines.append(f"    # {p.export}: ?   # no match: {str(labels.get(p.export))[:80]!r}"
                         " (dropped unless mapped)")
    if la:
        lines.append(f"  la: {{variable: {la[0]}, by: {la[1]}}}   # {la[2]:.0%} of its values "
                     "found in the LA frame" + (" REVIEW" if la[2] < 1 else ""))
    recodes = []
    for p in proposals:
        var = by_name.get(p.target or "")
        if var and var["kind"] in ("categorical", "ordinal", "binary"):
            codes = propose_recode((meta.variable_value_labels or {}).get(p.export),
                                   declared.get(p.export), _scale(codebook, var))
            if (var.get("values") == "selected" and not var.get("routing")
                    and frame[p.export].isna().any()):
                codes["null"] = 0.0      # a checkbox left blank is "not ticked"
            if codes:
                recodes.append((p.target, codes))
    if recodes:
        lines.append("  recode:")
        for target, codes in recodes:
            shown = ", ".join(f"{k if k == 'null' else format(k, 'g')}: {v:g}"
                              for k, v in sorted(codes.items(), key=lambda kv: str(kv[0])))
            lines.append(f"    {target}: {{{shown}}}   # from the value labels")
    routed = {}
    mapped = {p.target for p in proposals if p.target}
    for var in variables:
        shown = _shown_codes(var.get("routing"), by_name, codebook)
        if var["name"] in mapped and var.get("values") == "selected" and shown:
            gate, codes = shown
            if gate in mapped:
                routed.setdefault((gate, codes), []).append(var["name"])
    if routed:
        lines.append("  routed:   # checkbox sets asked only of some (from the codebook's routing)")
        for (gate, codes), names in routed.items():
            lines.append(f"    - {{gate: {gate}, shown: [{', '.join(f'{c:g}' for c in codes)}], "
                         f"vars: [{', '.join(names)}], unticked: 0}}")
    return "\n".join(lines) + "\n", proposals
