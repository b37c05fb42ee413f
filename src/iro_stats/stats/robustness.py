"""Checks of the final models beyond the report: cluster-robust SEs by LA and an ordinal logit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats.bootstrap import bootstrap
from iro_stats.stats.models import ModelResult


def _cluster_and_ordinal(res: ModelResult, spec: ModelSpec) -> list[dict]:
    import warnings

    import statsmodels.api as sm
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    d, fit, rows = res.final_design, res.final, []
    cols = d.columns(res.final_predictors)
    X, names = d.X[:, cols], [d.terms[j].name for j in cols]
    if not names:
        return rows
    ols_p = dict(zip(fit.terms, fit.p))
    ols_b = dict(zip(fit.terms, fit.b))
    _, groups = np.unique(d.clusters, return_inverse=True)
    robust = sm.OLS(d.y, sm.add_constant(X, has_constant="add")).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    ci = robust.conf_int()
    for j, term in enumerate(names, start=1):
        rows.append({"model": res.model.name, "term": term, "check": "cluster_se",
                     "estimate": robust.params[j], "se": robust.bse[j], "p": robust.pvalues[j],
                     "ci_low": ci[j, 0], "ci_high": ci[j, 1], "share": np.nan,
                     "sign_agrees": True,
                     "significance_agrees": (robust.pvalues[j] < spec.alpha)
                     == (ols_p[term] < spec.alpha),
                     "note": f"CR1 by {spec.robustness.get('cluster')}, "
                             f"{len(np.unique(groups))} clusters, t on G-1 df"})
    if res.model.name in (spec.robustness.get("ordinal") or ()):
        note = "ordinal logit (OrderedModel) on the final terms"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                om = OrderedModel(d.y, X, distr="logit").fit(method="bfgs", disp=False,
                                                             maxiter=2000)
            params, bse, pvals = (np.asarray(om.params), np.asarray(om.bse),
                                  np.asarray(om.pvalues))
            for j, term in enumerate(names):
                rows.append({"model": res.model.name, "term": term, "check": "ordinal_logit",
                             "estimate": params[j], "se": bse[j], "p": pvals[j],
                             "ci_low": params[j] - 1.959964 * bse[j],
                             "ci_high": params[j] + 1.959964 * bse[j], "share": np.nan,
                             "sign_agrees": bool(np.sign(params[j]) == np.sign(ols_b[term])),
                             "significance_agrees": (pvals[j] < spec.alpha)
                             == (ols_p[term] < spec.alpha),
                             "note": note + ("" if om.mle_retvals.get("converged", True)
                                             else "; did not converge")})
        except (ValueError, np.linalg.LinAlgError) as exc:
            rows.append({"model": res.model.name, "term": "", "check": "ordinal_logit",
                         "note": f"{note}: not estimable ({exc})"})
    return rows


def robustness(results: dict[str, ModelResult], spec: ModelSpec, replicates: int | None = None,
               seed: int | None = None) -> pd.DataFrame:
    """Checks beyond the report: cluster-robust SEs, ordinal logit, cluster bootstrap."""
    cfg = spec.robustness
    replicates = int(cfg.get("bootstrap_replicates", 1000) if replicates is None else replicates)
    seed = int(cfg.get("bootstrap_seed", 0) if seed is None else seed)
    level = float(cfg.get("interval", 0.95))
    rows = []
    for k, res in enumerate(results.values()):
        rows += _cluster_and_ordinal(res, spec)
        if replicates > 0:
            rows += bootstrap(res, spec, replicates, seed + k, level)
    columns = ["model", "term", "check", "estimate", "se", "p", "ci_low", "ci_high", "share",
               "sign_agrees", "significance_agrees", "note"]
    return pd.DataFrame(rows, columns=columns)
