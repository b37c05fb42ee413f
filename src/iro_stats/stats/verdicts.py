"""A verdict per published cell of Table A.3: does its conclusion (the sign, and starred or not
at the spec's alpha; for R2, its value within 0.05) survive clustering (CR2/Satterthwaite and the
wild cluster bootstrap; a term too few LAs identify is not estimable with clustering), the
sample rule (the final model on its own listwise sample), missing data (multiple imputation:
pooled p, share of imputations keeping the predictor) and selection (share of cluster-bootstrap
replicates keeping the predictor, the ordinal model's own elimination)? Base: the checks of
``robustness.csv``, ``bootstrap.csv`` and ``sensitivity.csv``, named in each line's evidence;
the LAs and IROs that identify a term (``n_la``, ``n_iro``: withheld upstream under disclosure
control) are columns of their own, not in the evidence's words. A check absent from the inputs
(multiple imputation with ``imputation: false``) is "not checked", never "robust"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.common.rounding import printed

R2_TOLERANCE = 0.05
KEEP_SHARE = 0.5

NOT_CHECKED = "not checked"
NO_IMPUTATION = "not checked (imputation off)"
COLUMNS = ["id", "model", "term", "published", "starred", "verdict", "clustering",
           "sample_rule", "missing_data", "selection", "n_la", "n_iro", "evidence"]


def _one(frame: pd.DataFrame, model: str, term: str, check: str):
    rows = frame[(frame["model"] == model) & (frame["term"] == term) & (frame["check"] == check)]
    return rows.iloc[0] if len(rows) else None


def _p(value) -> str:
    return "-" if value is None or pd.isna(value) else (printed(float(value), 3)
                                                         if value >= 0.001 else "<0.001")


def _changes(p, b, starred: bool, sign: float, alpha: float) -> bool:
    """Whether a check's p and estimate change the published conclusion."""
    return bool((p < alpha) != starred or (starred and np.sign(b) != sign))


def verdicts(comparison: pd.DataFrame, checks: pd.DataFrame, alpha: float,
             predictor_of: dict[str, str]) -> pd.DataFrame:
    """One row per published Table A.3 value (``comparison``, the published comparison) with the
    verdict of each sensitivity, in words, and the numbers behind it. ``checks``: the rows of the
    robustness, bootstrap and sensitivity outputs together; ``predictor_of``: term -> predictor."""
    rows = []
    for cell in comparison.itertuples(index=False):
        model, term = cell.model, cell.term
        published = float(cell.published)
        flags, evidence = {}, []
        counts = {"n_la": np.nan, "n_iro": np.nan}
        if term == "R2":
            starred = None
            own = _one(checks, model, "R2", "own_sample")
            flags["clustering"] = "not applicable (R2 describes the fit)"
            flags["selection"] = "not applicable"
            moved = own is not None and abs(own["estimate"] - published) >= R2_TOLERANCE
            flags["sample_rule"] = (NOT_CHECKED if own is None else
                                    "sensitive" if moved else "robust")
            evidence.append(f"own sample R2 {printed(float(own['estimate']), 2)} "
                            f"(n = {int(own['n'])})" if own is not None else "own sample: -")
            mi = _one(checks, model, "R2", "mi_pooled")
            if mi is None:
                flags["missing_data"] = NO_IMPUTATION
            else:
                flags["missing_data"] = ("sensitive" if abs(mi["estimate"] - published)
                                         >= R2_TOLERANCE else "robust")
                evidence.append(f"MI mean R2 {printed(float(mi['estimate']), 2)}")
        else:
            starred = bool(cell.significant_published)
            sign = np.sign(published)
            predictor = predictor_of.get(term, term)
            cr2 = _one(checks, model, term, "cr2")
            wild = _one(checks, model, term, "wild_bootstrap")
            ident = _one(checks, model, term, "identification")
            if ident is not None:
                counts = {"n_la": ident["n_la"], "n_iro": ident["n_iro"]}
            if cr2 is None:
                flags["clustering"] = NOT_CHECKED
                evidence.append("CR2: -")
            elif pd.isna(cr2["p"]):
                flags["clustering"] = "not estimable with clustering"
                evidence.append("CR2: no p, " + str(cr2.get("note", "")).replace(
                    "not estimable with clustering: ", ""))
            else:
                moved = _changes(cr2["p"], cr2["estimate"], starred, sign, alpha) or (
                    wild is not None and not pd.isna(wild["p"])
                    and _changes(wild["p"], cr2["estimate"], starred, sign, alpha))
                flags["clustering"] = "sensitive" if moved else "robust"
                evidence.append(f"CR2 p {_p(cr2['p'])} "
                                f"(df {printed(float(cr2['df']), 1)}), wild bootstrap p "
                                f"{_p(wild['p'] if wild is not None else None)}")
            own = _one(checks, model, term, "own_sample")
            moved = own is not None and _changes(own["p"], own["estimate"], starred, sign, alpha)
            flags["sample_rule"] = (NOT_CHECKED if own is None else
                                    "sensitive" if moved else "robust")
            if own is not None:
                evidence.append(f"own sample beta {printed(float(own['estimate']), 3)}, "
                                f"p {_p(own['p'])} (n = {int(own['n'])})")
            mi = _one(checks, model, term, "mi_pooled")
            mi_keep = _one(checks, model, predictor, "mi_selection")
            if mi is None:
                flags["missing_data"] = NO_IMPUTATION
            else:
                moved = _changes(mi["p"], mi["estimate"], starred, sign, alpha) or (
                    mi_keep is not None and mi_keep["share"] < KEEP_SHARE)
                flags["missing_data"] = "sensitive" if moved else "robust"
                evidence.append(f"MI pooled p {_p(mi['p'])}, kept in "
                                f"{printed(100 * float(mi_keep['share']), 0)}% of imputations"
                                if mi_keep is not None else f"MI pooled p {_p(mi['p'])}")
            boot = _one(checks, model, predictor, "bootstrap_selection")
            ordinal = checks[(checks["model"] == model) & (checks["check"] == "ordinal")]
            removed = predictor in set(ordinal.loc[ordinal["note"].astype(str)
                                                   .str.contains("removed"), "term"])
            ord_term = _one(checks, model, term, "ordinal")
            ord_moved = (ord_term is not None and not pd.isna(ord_term["p"])
                         and _changes(ord_term["p"], ord_term["estimate"], starred, sign, alpha))
            low_share = boot is not None and boot["share"] < KEEP_SHARE
            flags["selection"] = ("sensitive" if (low_share or removed or ord_moved) else
                                  NOT_CHECKED if boot is None and ord_term is None else "robust")
            block = f" (its block, {predictor})" if predictor != term else ""
            evidence.append(f"kept{block} in {printed(100 * float(boot['share']), 0)}% of "
                            "bootstrap replicates" if boot is not None else "bootstrap: -")
            evidence.append("ordinal model's own selection: " + (
                "removed" if removed else "-" if ord_term is None else
                "kept (no p: not estimable with clustering)" if pd.isna(ord_term["p"]) else
                f"kept, p {_p(ord_term['p'])}"))
        sensitive = [k.replace("_", " ") for k in ("clustering", "sample_rule", "missing_data",
                                                   "selection")
                     if flags[k] in ("sensitive", "not estimable with clustering")]
        words = {"clustering": "to clustering", "sample rule": "to the sample rule",
                 "missing data": "to missing data", "selection": "to selection"}
        verdict = ("robust" if not sensitive else
                   "sensitive " + ", ".join(words[s] for s in sensitive))
        if flags.get("clustering") == "not estimable with clustering":
            verdict += " (not estimable with clustering)"
        if flags["missing_data"] == NO_IMPUTATION:
            verdict += "; missing data not checked (imputation off)"
        unchecked = [k.replace("_", " ") for k, v in flags.items() if v == NOT_CHECKED]
        if unchecked:
            verdict += "; " + ", ".join(unchecked) + " not checked"
        rows.append({"id": cell.id, "model": model, "term": term, "published": published,
                     "starred": starred, "verdict": verdict, **flags, **counts,
                     "evidence": "; ".join(evidence)})
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"n_la": "Int64", "n_iro": "Int64"})
