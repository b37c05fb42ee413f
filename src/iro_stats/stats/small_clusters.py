"""Inference with few clusters for the final models: how many LAs and IROs identify each term,
CR2 (Bell-McCaffrey) standard errors with Satterthwaite degrees of freedom (Pustejovsky & Tipton
2018, working model: independent homoskedastic errors), and a wild cluster bootstrap p-value
(restricted, Webb weights; the ``wildboottest`` package). Base: the final model's estimation
sample (the full model's listwise sample under SPSS's rule); clusters: LAs."""

from __future__ import annotations

import numpy as np
from scipy import special

from iro_stats.stats.design import Design


def _inverse_sqrt(a: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Symmetric (pseudo-)inverse square root: eigenvalues below ``tol`` are left out (a cluster
    whose leverage is 1 in some direction, as for a dummy only one LA has)."""
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    inv = np.where(vals > tol, 1 / np.sqrt(np.where(vals > tol, vals, 1.0)), 0.0)
    return (vecs * inv) @ vecs.T


def cr2(X1: np.ndarray, y: np.ndarray, clusters: np.ndarray):
    """OLS of ``y`` on ``X1`` (constant included) with the CR2 covariance and, per coefficient,
    the Satterthwaite degrees of freedom of its CR2 variance: returns ``b, cov, df``.

    CR2: V = M (sum_g X_g' A_g e_g e_g' A_g X_g) M, M = (X'X)^-1, A_g = (I - H_gg)^-1/2.
    Satterthwaite for c = e_j: V_j = sum_g (u_g' eps)^2 with u_g = (I - H)_{.g} A_g X_g M c, so
    df = (sum_g |u_g|^2)^2 / sum_{g,h} (u_g' u_h)^2 under eps ~ N(0, I)."""
    n, k = X1.shape
    M = np.linalg.inv(X1.T @ X1)
    b = M @ X1.T @ y
    e = y - X1 @ b
    IH = np.eye(n) - X1 @ M @ X1.T
    _, groups = np.unique(clusters, return_inverse=True)
    members = [np.flatnonzero(groups == g) for g in range(groups.max() + 1)]
    meat = np.zeros((k, k))
    # per cluster: A_g X_g M (|g| x k), the rows each coefficient's u_g is built from
    loads = []
    for idx in members:
        A = _inverse_sqrt(IH[np.ix_(idx, idx)])
        AXM = A @ X1[idx] @ M
        score = X1[idx].T @ (A @ e[idx])
        meat += np.outer(score, score)
        loads.append((idx, AXM))
    cov = M @ meat @ M
    df = np.empty(k)
    for j in range(k):
        U = np.column_stack([IH[:, idx] @ AXM[:, j] for idx, AXM in loads])   # n x G
        gram = U.T @ U
        df[j] = np.trace(gram) ** 2 / float((gram ** 2).sum())
    return b, cov, df


def t_test(b: float, se: float, df: float, level: float = 0.95) -> tuple[float, float, float]:
    """Two-sided p and the ``level`` interval of ``b`` on a t with ``df`` (possibly fractional)."""
    half = special.stdtrit(df, 0.5 + level / 2) * se
    return float(2 * special.stdtr(df, -abs(b / se))), b - half, b + half


def identification(d: Design, column: int) -> dict:
    """The LAs and IROs of the sample that identify one term (a column of ``d.X``).

    A dummy of a set is a contrast with the set's reference category: the smaller of the LAs
    (IROs) in its category and in the reference. A 0/1 score: the smaller of the LAs having an IRO
    with 1 and having one with 0. Any other score: every LA and IRO of the sample."""
    term = d.terms[column]
    x = d.X[:, column]
    siblings = [j for j, t in enumerate(d.terms) if t.predictor == term.predictor]
    if len(siblings) > 1 or term.codes or term.missing:
        on = x == 1
        other = (d.X[:, siblings] == 0).all(axis=1)
        side = "category", "reference category"
    elif set(np.unique(x)) <= {0.0, 1.0}:
        on, other = x == 1, x == 0
        side = "1", "0"
    else:
        return {"n_la": len(np.unique(d.clusters)), "n_iro": len(x), "identified_by": "all LAs"}
    counts = [(len(np.unique(d.clusters[mask])), int(mask.sum()), name)
              for mask, name in ((on, side[0]), (other, side[1]))]
    n_la, n_iro, name = min(counts)
    return {"n_la": n_la, "n_iro": n_iro, "identified_by": f"LAs with IROs in the {name}"
            if name.endswith("category") else f"LAs with an IRO at {name}"}


def wild_bootstrap_class():
    """``wildboottest``'s one-way cluster bootstrap with its CR1 denominator in numpy. The
    library defines that step as a numba function inside the method, so it is compiled anew at
    every call (about 0.4 s a term); the sum is the same, for every replicate b:
    ssc * sum_g (C_g v_gb - sum_h H_gh v_hb)^2, H_gh = R (X'X)^-1 X_g'X_g (X'X)^-1 s_h."""
    from wildboottest.wildboottest import WildboottestCL

    class WildBootstrap(WildboottestCL):
        def get_denom(self):
            if self.crv_type != "crv1":
                return super().get_denom()
            a = self.R @ self.tXXinv
            H = np.stack([a @ xgxg @ self.tXXinv for xgxg in self.tXgXg_list]) @ self.scores_mat
            self.denom = self.ssc * np.sum((self.Cg[:, None] * self.v - H @ self.v) ** 2, axis=0)
            return self.denom

    return WildBootstrap


def wild_cluster_p(X1: np.ndarray, y: np.ndarray, clusters: np.ndarray, j: int,
                   replicates: int, seed, weights: str = "webb") -> tuple[float, float]:
    """Wild cluster restricted bootstrap (WCR11: null b_j = 0 imposed, CR1 t) of coefficient ``j``
    by ``wildboottest`` (:func:`wild_bootstrap_class`): its t statistic and two-sided bootstrap
    p. ``seed``: an int or a ``numpy.random.SeedSequence``
    (:func:`iro_stats.common.seeds.sequence`)."""
    R = np.zeros(X1.shape[1])
    R[j] = 1.0
    _, groups = np.unique(clusters, return_inverse=True)
    boot = run_wild(wild_bootstrap_class()(X=X1, Y=y, cluster=groups, R=R, B=replicates,
                                           seed=seed, parallel=False), weights)
    return float(np.ravel(boot.t_stat)[0]), float(boot.pvalue)


def run_wild(boot, weights: str):
    """The restricted (WCR11) wild bootstrap's steps on a ``wildboottest`` object, with
    ``weights`` (webb, rademacher): scores under the null, weights, numerator, denominator,
    bootstrap t, t statistic and two-sided p. Returns ``boot``."""
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights(weights_type=weights)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return boot


def wild_rows(res, spec, seed: int, estimable: dict[str, bool]) -> list[dict]:
    """The wild cluster bootstrap p of every final-model term that ``estimable`` (term -> bool,
    from the ``cr2`` check) allows; the others are "not estimable with clustering". Each term
    draws from the stream ``wild_bootstrap / model / term`` of ``seed``."""
    from iro_stats.common.seeds import sequence

    cfg = spec.robustness
    replicates = int(cfg.get("wild_replicates", 9999))
    weights = cfg.get("wild_weights", "webb")
    d = res.final_design
    cols = d.columns(res.final_predictors)
    X1 = np.column_stack([np.ones(len(d.y)), d.X[:, cols]])
    ols_p = dict(zip(res.final.terms, res.final.p))
    rows = []
    for k, j in enumerate(cols, start=1):
        term = d.terms[j].name
        base = {"model": res.model.name, "term": term, "check": "wild_bootstrap", "n": len(d.y)}
        if not estimable.get(term, False):
            rows.append({**base, "note": "not estimable with clustering (see the cr2 check)"})
            continue
        t, p = wild_cluster_p(X1, d.y, d.clusters, k, replicates,
                              sequence(seed, "wild_bootstrap", res.model.name, term), weights)
        rows.append({**base, "estimate": res.final.b[k], "statistic": t, "p": p,
                     "significance_agrees": (p < spec.alpha) == (ols_p[term] < spec.alpha),
                     "note": f"wild cluster restricted bootstrap (WCR, CR1 t, {weights} weights, "
                             f"{replicates} replicates) by LA"})
    return rows
