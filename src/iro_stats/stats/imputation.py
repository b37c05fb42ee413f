"""Multiple imputation of the Appendix B models' variables by chained equations (statsmodels
``MICEData``, predictive mean matching, so imputed codes are observed codes), with the models'
backward elimination repeated in each imputed data set. Base: every IRO of the frame; the
location keeps its 'missing' category (it is not imputed). Pooled by Rubin's rules with the
Barnard-Rubin degrees of freedom; per predictor, the share of imputations whose elimination
keeps it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats.design import design
from iro_stats.stats.models import ModelResult, fit_model
from iro_stats.stats.selection import _fit_predictors


def rubin(estimates: np.ndarray, variances: np.ndarray, df_complete: float) -> dict:
    """Rubin's rules for one coefficient over m imputations: pooled estimate, total variance
    T = W + (1 + 1/m) B, and Barnard & Rubin's (1999) df (the complete-data df where B = 0)."""
    q = np.asarray(estimates, float)
    m = len(q)
    qbar, w = q.mean(), float(np.mean(variances))
    b = float(q.var(ddof=1)) if m > 1 else 0.0
    t = w + (1 + 1 / m) * b
    if b <= 0:
        return {"estimate": qbar, "se": np.sqrt(t), "df": float(df_complete), "within": w,
                "between": b}
    lam = (1 + 1 / m) * b / t
    df_old = (m - 1) / lam ** 2
    df_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
    return {"estimate": qbar, "se": np.sqrt(t), "df": 1 / (1 / df_old + 1 / df_obs),
            "within": w, "between": b}


def variables(spec: ModelSpec) -> list[str]:
    """The variables imputed: every outcome and every score predictor's variable."""
    names = [m.outcome for m in spec.models.values()]
    names += [p.var for p in spec.predictors.values() if p.coding == "score"]
    return list(dict.fromkeys(names))


def imputations(frame: pd.DataFrame, spec: ModelSpec, m: int, iterations: int, seed: int):
    """``m`` imputed copies of ``frame`` (the columns of :func:`variables` filled); the dummy-coded
    predictors enter the chained equations as complete auxiliary columns."""
    from statsmodels.imputation.mice import MICEData

    from iro_stats.common.seeds import stream

    names = variables(spec)
    data = frame[names].astype("float64").reset_index(drop=True)
    data.columns = [f"v{i}" for i in range(len(names))]        # formula-safe names
    for p in spec.predictors.values():
        if p.coding == "dummies":
            values = pd.to_numeric(frame[p.var], errors="coerce").to_numpy()
            for k, t in enumerate(p.terms):
                column = np.isnan(values) if t.missing else np.isin(values, t.codes)
                data[f"aux_{p.name}_{k}"] = column.astype(float)
    if not data.isna().any().any():
        return [frame.copy() for _ in range(m)]
    mice = MICEData(data, k_pmm=10, rng=stream(seed, "imputation"))
    out = []
    for i in range(m):
        mice.update_all(iterations)
        filled = frame.copy()
        for k, name in enumerate(names):
            filled[name] = mice.data[f"v{k}"].to_numpy()
        out.append(filled)
    return out


def pooled(results: dict[str, ModelResult], filled: list[pd.DataFrame], spec: ModelSpec) -> list[dict]:
    """Per model: the published final model's predictors fitted in every imputed data set and
    pooled (B on Rubin's rules; mean beta and R2 beside), and per predictor the share of the
    imputations whose backward elimination keeps it."""
    rows, m = [], len(filled)
    for name, res in results.items():
        kept = {p: 0 for p in res.design.predictors}
        fits = []
        for frame in filled:
            for p in fit_model(frame, spec, name).final_predictors:
                kept[p] += 1
            if res.final_predictors:
                d = design(frame, spec, name, res.design.predictors)
                fits.append(_fit_predictors(d, res.final_predictors))
        base = f"{m} imputations (chained equations), n = {fits[0].n if fits else '?'} each"
        for p, count in kept.items():
            rows.append({"model": name, "term": p, "check": "mi_selection", "share": count / m,
                         "note": f"share of {base} whose backward elimination keeps {p}"})
        if not fits:
            continue
        ols_p = dict(zip(res.final.terms, res.final.p))
        for j, term in enumerate(fits[0].terms[1:], start=1):
            pool = rubin(np.array([f.b[j] for f in fits]), np.array([f.se[j] ** 2 for f in fits]),
                         fits[0].df_resid)
            p = float(2 * special.stdtr(pool["df"], -abs(pool["estimate"] / pool["se"])))
            beta = float(np.mean([f.beta[j] for f in fits]))
            rows.append({"model": name, "term": term, "check": "mi_pooled",
                         "estimate": pool["estimate"], "se": pool["se"], "df": pool["df"],
                         "p": p, "beta": beta,
                         "significance_agrees": (p < spec.alpha) == (ols_p[term] < spec.alpha),
                         "note": f"B pooled by Rubin's rules over {base} (Barnard-Rubin df); "
                                 f"mean beta {beta:.3f}"})
        r2 = float(np.mean([f.r2 for f in fits]))
        rows.append({"model": name, "term": "R2", "check": "mi_pooled", "estimate": r2,
                     "note": f"mean R2 over {base}"})
    return rows
