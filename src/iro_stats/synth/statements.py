"""The report's statements in words (``statements.yaml``) as targets of the generator: what the
words admit becomes a constraint of the same solver as the printed numbers
(:func:`.respondents.generate_variable`).

- a ``quantifier`` on one measure (or on each, ``holds_for: all``; the first, ``any``): the
  measure's percentage in the quantifier's interval (``statistic: interval``);
- an ``ordering`` within one dataset: every measure outside ``top`` stays below the smallest
  share of ``top`` (divided by the relation's ratio), which the variables of ``top`` fix when
  they are generated first (``statistic: below``);
- a ``mean_range``: each group's mean at the end of the range the statement gives it
  (``statistic: group_mean``);
- a ``logic`` rule whose ``then`` names one variable: on the rows where ``if`` holds, only that
  variable's codes that satisfy ``then`` (``statistic: allowed``), generated after the
  variables of ``if``.

Every such target is relaxed before any printed number, and listed, where they conflict.
"""

from __future__ import annotations

from fractions import Fraction

from iro_stats.synth.respondents import _names, codes_where


def statement_targets(catalogue: dict, dataset: str, codebook: dict) -> dict[str, list[dict]]:
    """Targets per variable of ``dataset`` from the catalogue's statements."""
    variables = {v["name"]: v for v in codebook["datasets"][dataset]["variables"]}
    out: dict[str, list[dict]] = {}

    def add(var: str, target: dict) -> None:
        out.setdefault(var, []).append({"where": None, "after": [], **target})

    for s in catalogue["statements"]:
        if s["kind"] == "quantifier":
            q = catalogue["quantifiers"][s["quantifier"]]
            measures = [s["measure"]] if "measure" in s else list(s["measures"].values())
            if s.get("holds_for") == "any":
                measures = measures[:1]
            for m in measures:
                if m["dataset"] == dataset and m["var"] in variables:
                    add(m["var"], {"id": s["id"], "statistic": "interval", "codes": m["codes"],
                                   "where": m.get("where"), "low": Fraction(repr(q["min"])),
                                   "high": Fraction(repr(q["max"]))})
        elif s["kind"] == "ordering":
            measures = s["measures"]
            if {m["dataset"] for m in measures.values()} != {dataset} or any(
                    m.get("where") for m in measures.values()):
                continue
            ratio = Fraction(repr(catalogue["relations"][s.get("relation", "larger")]["ratio"]))
            top = [measures[name] for name in s["top"]]
            for name, m in measures.items():
                if name not in s["top"] and m["var"] in variables:
                    add(m["var"], {"id": s["id"], "statistic": "below", "codes": m["codes"],
                                   "than": top, "ratio": ratio,
                                   "after": [t["var"] for t in top]})
        elif s["kind"] == "mean_range":
            for name, m in s["measures"].items():
                if m["dataset"] == dataset and m["var"] in variables:
                    add(m["var"], {"id": s["id"], "statistic": "group_mean",
                                   "value": s[s["ends"][name]], "decimals": s["decimals"]})
        elif s["kind"] == "logic" and s["dataset"] == dataset:
            (var,) = sorted(_names(s["then"], variables)) or [None]
            if var is None or variables[var]["kind"] not in ("categorical", "ordinal", "binary"):
                continue
            allowed = codes_where(codebook, variables[var], s["then"])
            add(var, {"id": s["id"], "statistic": "allowed", "codes": allowed,
                      "where": s["if"], "after": sorted(_names(s["if"], variables))})
    return out
