"""Checks of the final models beyond the report (``results/models/robustness.csv``), each on a
stated base:

- ``identification``: the LAs and IROs of the final model's sample that identify each term
  (:func:`iro_stats.stats.small_clusters.identification`);
- ``cr2``: CR2 standard errors by LA with Satterthwaite df; a term identified by fewer LAs than
  ``robustness.min_clusters``, or whose df are below ``robustness.min_df``, is "not estimable with
  clustering" and gets no SE or p;
- ``own_sample``: the final model's predictors refitted listwise on their own sample (the
  alternative to SPSS's rule that the final model keeps the full model's sample);
- ``ordinal``: an ordinal logit with its own backward elimination (cluster-robust Wald tests by
  LA, a dummy set as a block) from the full model's predictors on the full model's sample.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from iro_stats.reference.model_spec import ModelSpec
from iro_stats.stats import small_clusters
from iro_stats.stats.bootstrap import bootstrap
from iro_stats.stats.design import Design, design
from iro_stats.stats.models import ModelResult
from iro_stats.stats.selection import _fit_predictors

COLUMNS = ["model", "term", "check", "estimate", "se", "df", "p", "ci_low", "ci_high", "n",
           "n_la", "n_iro", "share", "sign_agrees", "significance_agrees", "note"]

MIN_CLUSTERS, MIN_DF = 5, 4.0


def _final_columns(res: ModelResult) -> tuple[Design, list[int], list[str]]:
    d = res.final_design
    cols = d.columns(res.final_predictors)
    return d, cols, [d.terms[j].name for j in cols]


def clustering(res: ModelResult, spec: ModelSpec, threshold: int | None = None) -> list[dict]:
    """Identification counts and CR2/Satterthwaite inference of every final-model term. With
    disclosure control (``threshold``), IRO counts below it are withheld."""
    cfg = spec.robustness
    min_clusters = int(cfg.get("min_clusters", MIN_CLUSTERS))
    min_df = float(cfg.get("min_df", MIN_DF))
    level = float(cfg.get("interval", 0.95))
    d, cols, names = _final_columns(res)
    if not names:
        return []
    X1 = np.column_stack([np.ones(len(d.y)), d.X[:, cols]])
    b, cov, df = small_clusters.cr2(X1, d.y, d.clusters)
    ols_p = dict(zip(res.final.terms, res.final.p))
    n_clusters = len(np.unique(d.clusters))
    rows = []
    for k, (j, term) in enumerate(zip(cols, names), start=1):
        ident = small_clusters.identification(d, j)
        shown_iro = ident["n_iro"]
        withheld = threshold is not None and 0 < shown_iro < threshold
        base = {"model": res.model.name, "term": term, "n": len(d.y), "n_la": ident["n_la"],
                "n_iro": np.nan if withheld else shown_iro}
        rows.append({**base, "check": "identification",
                     "note": f"identified by {ident['identified_by']} ({ident['n_la']} of "
                             f"{n_clusters} LAs" + ("; IROs withheld: fewer than the disclosure "
                                                    "threshold" if withheld else "") + ")"})
        se = float(np.sqrt(cov[k, k]))
        if ident["n_la"] < min_clusters or df[k] < min_df:
            why = (f"{ident['n_la']} identifying LAs (minimum {min_clusters})"
                   if ident["n_la"] < min_clusters else
                   f"Satterthwaite df {df[k]:.1f} (minimum {min_df:g})")
            rows.append({**base, "check": "cr2", "estimate": b[k], "df": df[k],
                         "note": f"not estimable with clustering: {why}"})
            continue
        p, lo, hi = small_clusters.t_test(b[k], se, df[k], level)
        rows.append({**base, "check": "cr2", "estimate": b[k], "se": se, "df": df[k], "p": p,
                     "ci_low": lo, "ci_high": hi, "sign_agrees": True,
                     "significance_agrees": (p < spec.alpha) == (ols_p[term] < spec.alpha),
                     "note": f"B with CR2 SE by LA ({n_clusters} clusters), t on Satterthwaite df"})
    return rows


def estimable_with_clustering(rows: pd.DataFrame) -> pd.Series:
    """For ``cr2`` rows: whether the term got a p-value (enough identifying LAs and df)."""
    return ~rows["note"].astype(str).str.startswith("not estimable")


def own_sample(res: ModelResult, frame: pd.DataFrame, spec: ModelSpec) -> list[dict]:
    """The final model's predictors refitted listwise over their own variables (beta, OLS p)."""
    if not res.final_predictors:
        return []
    d = design(frame, spec, res.model.name, tuple(res.final_predictors),
               spec.robustness.get("cluster"))
    fit = _fit_predictors(d, res.final_predictors)
    ref = dict(zip(res.final.terms, zip(res.final.beta, res.final.p)))
    rows = []
    for j, term in enumerate(fit.terms[1:], start=1):
        beta, p = ref[term]
        rows.append({"model": res.model.name, "term": term, "check": "own_sample",
                     "estimate": fit.beta[j], "se": fit.se[j] * fit.beta[j] / fit.b[j]
                     if fit.b[j] else np.nan, "df": fit.df_resid, "p": fit.p[j], "n": fit.n,
                     "sign_agrees": bool(np.sign(fit.beta[j]) == np.sign(beta)),
                     "significance_agrees": (fit.p[j] < spec.alpha) == (p < spec.alpha),
                     "note": f"beta refitted listwise on the final model's own variables "
                             f"(n = {fit.n}, full model's sample n = {res.final.n})"})
    rows.append({"model": res.model.name, "term": "R2", "check": "own_sample",
                 "estimate": fit.r2, "n": fit.n,
                 "note": f"R2 refitted listwise on the final model's own variables (n = {fit.n}, "
                         f"full model's sample: R2 {res.final.r2:.3f}, n = {res.final.n})"})
    return rows


def _ordered_logit():
    """statsmodels' ordinal logit with the logistic cdf by ``scipy.special.expit``, which
    ``scipy.stats.logistic.cdf`` computes it with, and its score in closed form: the same
    likelihood, without the generic distribution wrapper's overhead and the numerical
    derivatives (a score by finite differences took 2k likelihoods, 90% of the fits' time).
    The Hessian is the score's central difference (statsmodels: the likelihood's)."""
    from scipy.special import expit
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.numdiff import approx_fprime

    class OrderedLogit(OrderedModel):
        def cdf(self, x):
            return expit(x)

        def pdf(self, x):
            p = expit(x)
            return p * (1 - p)

        def score_obs(self, params, **_):
            """d loglikeobs / d params, one row per observation. Thresholds
            t_j = a_0 + sum_{m=1}^{j-1} exp(a_m) (statsmodels' increments), so d t_j / d a_0 = 1
            and d t_j / d a_m = exp(a_m) for 1 <= m < j; the open ends -inf, +inf have none."""
            params = np.asarray(params, dtype=float)
            k_thresh = self.k_levels - 1
            low, upp = self._bounds(params)
            prob = self.prob(low, upp) + 1e-20          # as loglikeobs takes its log
            f_low, f_upp = self.pdf(low), self.pdf(upp)  # 0 at the open ends
            d_thresh = np.zeros((self.k_levels + 1, k_thresh))
            d_thresh[1:-1, 0] = 1.0
            steps = np.exp(params[-k_thresh:][1:])
            for j in range(2, self.k_levels):
                d_thresh[j, 1:j] = steps[:j - 1]
            by_thresh = (f_upp[:, None] * d_thresh[self.endog + 1]
                         - f_low[:, None] * d_thresh[self.endog]) / prob[:, None]
            by_exog = -((f_upp - f_low) / prob)[:, None] * np.asarray(self.exog)
            return np.column_stack([by_exog, by_thresh])

        def score(self, params):
            return self.score_obs(params).sum(axis=0)

        def hessian(self, params):
            h = approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)
            return (h + h.T) / 2

    return OrderedLogit


def _ordinal_fit(y, X, groups, start=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _ordered_logit()(y, X, distr="logit").fit(
            method="bfgs", disp=False, maxiter=2000, start_params=start, cov_type="cluster",
            cov_kwds={"groups": groups})


def ordinal_selection(res: ModelResult, spec: ModelSpec) -> tuple[list[dict], list[str]]:
    """An ordinal logit's own backward elimination on the full model's sample: at each step the
    predictor whose cluster-robust Wald test (all its dummies for a dummy set) has the largest
    p >= p_remove is removed. Rows for the final ordinal terms (log-odds, cluster-robust SE) and
    for each predictor removed; returns them and the predictors kept."""
    d = res.design
    _, groups = np.unique(d.clusters, return_inverse=True)
    active = [p for p in d.predictors if d.columns([p])]
    rows, step, start = [], 0, None
    name, note = res.model.name, "ordinal logit, own backward elimination (cluster-robust Wald)"
    while True:
        step += 1
        cols = d.columns(active)
        try:
            fit = _ordinal_fit(d.y, d.X[:, cols], groups, start)
        except (ValueError, np.linalg.LinAlgError) as exc:
            return rows + [{"model": name, "term": "", "check": "ordinal",
                            "note": f"{note}: not estimable ({exc})"}], active
        params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
        tests = []
        for p in active:
            at = [cols.index(j) for j in d.columns([p])]
            b, v = params[at], cov[np.ix_(at, at)]
            wald = float(b @ np.linalg.solve(v, b))
            tests.append((float(special.chdtrc(len(at), wald)), p))
        worst = max(tests, key=lambda t: t[0]) if tests else None
        if worst is None or worst[0] < spec.p_remove:
            break
        active.remove(worst[1])
        rows.append({"model": name, "term": worst[1], "check": "ordinal", "p": worst[0],
                     "note": f"{note}: predictor removed at step {step}"})
        # warm start: thresholds and the remaining coefficients
        keep = [k for k, j in enumerate(cols) if d.terms[j].predictor != worst[1]]
        start = np.r_[params[keep], params[len(cols):]]
    ols = dict(zip(res.final.terms, zip(res.final.b, res.final.p)))
    converged = fit.mle_retvals.get("converged", True)
    bse, pvals = np.asarray(fit.bse), np.asarray(fit.pvalues)
    min_clusters = int(spec.robustness.get("min_clusters", MIN_CLUSTERS))
    for k, j in enumerate(d.columns(active)):
        term = d.terms[j].name
        in_ols = term in ols
        n_la = small_clusters.identification(d, j)["n_la"]
        if n_la < min_clusters:
            rows.append({"model": name, "term": term, "check": "ordinal", "estimate": params[k],
                         "n": len(d.y), "n_la": n_la,
                         "note": f"{note}: kept; not estimable with clustering: {n_la} "
                                 f"identifying LAs (minimum {min_clusters})"})
            continue
        rows.append({"model": name, "term": term, "check": "ordinal", "estimate": params[k],
                     "se": bse[k], "p": pvals[k], "n": len(d.y), "n_la": n_la,
                     "ci_low": params[k] - 1.959964 * bse[k],
                     "ci_high": params[k] + 1.959964 * bse[k],
                     "sign_agrees": bool(np.sign(params[k]) == np.sign(ols[term][0]))
                     if in_ols else np.nan,
                     "significance_agrees": ((pvals[k] < spec.alpha) == (ols[term][1] < spec.alpha))
                     if in_ols else np.nan,
                     "note": f"{note}: kept (log-odds, SE clustered by LA)"
                             + ("" if converged else "; did not converge")})
    return rows, active


def robustness(results: dict[str, ModelResult], spec: ModelSpec, replicates: int | None = None,
               seed: int | None = None, frame: pd.DataFrame | None = None,
               threshold: int | None = None) -> pd.DataFrame:
    """Every check of the module docstring for every model (``own_sample`` needs ``frame``), and
    the cluster bootstrap when ``replicates`` > 0 (the workflow runs it in its own jobs)."""
    cfg = spec.robustness
    replicates = int(cfg.get("bootstrap_replicates", 1000) if replicates is None else replicates)
    seed = int(cfg.get("bootstrap_seed", 0) if seed is None else seed)
    level = float(cfg.get("interval", 0.95))
    rows = []
    for k, res in enumerate(results.values()):
        rows += clustering(res, spec, threshold)
        if frame is not None:
            rows += own_sample(res, frame, spec)
        if res.model.name in (cfg.get("ordinal") or ()):
            rows += ordinal_selection(res, spec)[0]
        if replicates > 0:
            rows += bootstrap(res, spec, replicates, seed + k, level)
    return pd.DataFrame(rows, columns=COLUMNS)
