"""Few-cluster inference against independent results on cases whose answer is known: CR2 with
singleton clusters is HC2, whose variance of a difference in means is the unbiased (Neyman)
s1²/n1 + s0²/n0 (Imbens & Kolesár 2016); with equal-sized clusters and a cluster-level regressor
it is that of the cluster means; CR2 is unbiased under its working model (trace of the
quadratic form); the Satterthwaite df from the n x n quadratic form built by brute force and,
for a difference in means, the Welch-Satterthwaite df under equal variances; the wild cluster
bootstrap against exact enumeration of all 2^G Rademacher sign vectors by refitting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import linalg

from iro_stats.stats import small_clusters


def test_cr2_with_singleton_clusters_is_the_neyman_variance_of_a_difference_in_means():
    rng = np.random.default_rng(1)
    n1, n0 = 7, 12
    x = np.r_[np.ones(n1), np.zeros(n0)]
    y = rng.normal(size=n1 + n0) + 2 * x * rng.normal(size=n1 + n0)
    X1 = np.column_stack([np.ones_like(x), x])
    b, cov, df = small_clusters.cr2(X1, y, np.arange(len(y)))
    s1, s0 = y[x == 1].var(ddof=1), y[x == 0].var(ddof=1)
    assert b[1] == pytest.approx(y[x == 1].mean() - y[x == 0].mean())
    assert cov[1, 1] == pytest.approx(s1 / n1 + s0 / n0, rel=1e-10)
    # Satterthwaite under the homoskedastic working model: s_k² ~ sigma² chi²(n_k-1)/(n_k-1)
    welch = (1 / n1 + 1 / n0) ** 2 / (1 / (n1 ** 2 * (n1 - 1)) + 1 / (n0 ** 2 * (n0 - 1)))
    assert df[1] == pytest.approx(welch, rel=1e-10)


def test_cr2_with_equal_clusters_and_a_cluster_level_regressor_is_hc2_of_the_cluster_means():
    rng = np.random.default_rng(2)
    g1, g0, m = 4, 6, 5
    treated = np.r_[np.ones(g1), np.zeros(g0)]
    clusters = np.repeat(np.arange(g1 + g0), m)
    x = treated[clusters]
    y = rng.normal(size=len(x)) + rng.normal(size=g1 + g0)[clusters] + x
    X1 = np.column_stack([np.ones_like(x), x])
    _, cov, _ = small_clusters.cr2(X1, y, clusters)
    means = np.array([y[clusters == g].mean() for g in range(g1 + g0)])
    neyman = means[:g1].var(ddof=1) / g1 + means[g1:].var(ddof=1) / g0
    assert cov[1, 1] == pytest.approx(neyman, rel=1e-10)


def _design(seed=3, n=40, G=8):
    rng = np.random.default_rng(seed)
    clusters = rng.integers(0, G, n)
    X1 = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n),
                          (clusters < 2).astype(float)])
    y = X1 @ np.array([1, 0.5, -0.3, 0.8]) + rng.normal(size=n) + rng.normal(size=G)[clusters]
    return X1, y, clusters


def test_cr2_is_unbiased_under_its_working_model_and_its_df_is_that_of_the_quadratic_form():
    X1, y, clusters = _design()
    b, cov, df = small_clusters.cr2(X1, y, clusters)
    n = len(y)
    M = linalg.inv(X1.T @ X1)
    IH = np.eye(n) - X1 @ M @ X1.T
    e = IH @ y
    for j in range(X1.shape[1]):
        c = np.eye(X1.shape[1])[j]
        # V_j = eps' Q eps, Q = sum_g IH' W_g IH with W_g the cluster's block of w w' (n x n)
        Q = np.zeros((n, n))
        meat_j = 0.0
        for g in np.unique(clusters):
            S = np.diag((clusters == g).astype(float))          # selects the cluster's rows
            idx = np.flatnonzero(clusters == g)
            A = np.zeros((n, n))
            A[np.ix_(idx, idx)] = linalg.pinvh(linalg.sqrtm(IH[np.ix_(idx, idx)]).real)
            w = S @ A @ S @ X1 @ M @ c                          # n-vector, zero off cluster g
            Q += IH @ np.outer(w, w) @ IH
            meat_j += float(w @ e) ** 2
        assert cov[j, j] == pytest.approx(meat_j, rel=1e-9)
        assert np.trace(Q) == pytest.approx(M[j, j], rel=1e-9)   # E[V_j] = sigma² c'Mc
        assert df[j] == pytest.approx(np.trace(Q) ** 2 / np.trace(Q @ Q), rel=1e-9)


def _cr1_t(X1, y, clusters, j):
    n, k = X1.shape
    M = np.linalg.inv(X1.T @ X1)
    b = M @ X1.T @ y
    e = y - X1 @ b
    meat = sum(np.outer(X1[clusters == g].T @ e[clusters == g], X1[clusters == g].T @ e[clusters == g])
               for g in np.unique(clusters))
    G = len(np.unique(clusters))
    V = (G / (G - 1)) * ((n - 1) / (n - k)) * M @ meat @ M
    return b[j] / np.sqrt(V[j, j])


def test_wild_cluster_bootstrap_equals_exact_enumeration_of_the_rademacher_signs():
    """2^6 = 64 < 999 replicates: the library enumerates every sign vector; so does the test, by
    refitting OLS on each bootstrap sample. The all-ones vector gives back the data (a tie whose
    side is rounding noise), so the p-values agree up to the ties' share."""
    X1, y, clusters = _design(seed=5, n=30, G=6)
    y = y + 0.65 * X1[:, 2]                      # a coefficient near the rejection region
    j = 2
    t, p = small_clusters.wild_cluster_p(X1, y, clusters, j, 999, 11, weights="rademacher")
    assert t == pytest.approx(_cr1_t(X1, y, clusters, j), rel=1e-9)
    # restricted model (b_j = 0), its fit and residuals; each sign vector flips whole clusters
    Xr = np.delete(X1, j, axis=1)
    br = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fitted, resid = Xr @ br, y - Xr @ br
    labels = np.unique(clusters)
    stats = np.array([_cr1_t(X1, fitted + np.array(signs)[np.searchsorted(labels, clusters)]
                             * resid, clusters, j)
                      for signs in itertools.product([-1.0, 1.0], repeat=len(labels))])
    ties = np.isclose(np.abs(stats), abs(t), rtol=1e-9)
    exceed = (np.abs(stats) > abs(t)) & ~ties
    assert 0.02 < exceed.mean() < 0.5 and ties.sum() <= 2
    assert exceed.mean() - 1e-12 <= p <= (exceed.sum() + ties.sum()) / 64 + 1e-12


def test_the_numpy_denominator_is_the_librarys_own():
    """The wild bootstrap's CR1 denominator in numpy (``wild_bootstrap_class``) gives the
    library's numba loop's values for every replicate, and so its p."""
    from wildboottest.wildboottest import WildboottestCL

    X1, y, clusters = _design(seed=3, n=40, G=9)
    _, groups = np.unique(clusters, return_inverse=True)
    out = []
    for cls in (WildboottestCL, small_clusters.wild_bootstrap_class()):
        boot = small_clusters.run_wild(cls(X=X1, Y=y, cluster=groups,
                                           R=np.array([0.0, 0.0, 1.0, 0.0]), B=499, seed=7,
                                           parallel=False), "webb")
        out.append((np.asarray(boot.denom).copy(), float(boot.pvalue)))
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-10)
    assert out[1][1] == out[0][1]


def test_identification_counts_the_las_of_a_dummy_and_its_reference():
    from iro_stats.reference.model_spec import Term
    from iro_stats.stats.design import Design

    clusters = np.array(["a", "a", "b", "c", "c", "d", "e", "e"], dtype=object)
    loc_a = np.array([1, 1, 0, 0, 0, 0, 0, 0], float)       # one LA, two IROs
    loc_b = np.array([0, 0, 1, 1, 1, 0, 0, 0], float)       # LAs b and c
    score = np.array([1, 0, 0, 1, 1, 1, 0, 0], float)       # 0/1 score: LAs with 1: a c d
    terms = [Term("loc_a", "loc", "v", "A", (1,)), Term("loc_b", "loc", "v", "B", (2,)),
             Term("s", "s", "w", "S"), Term("cont", "cont", "z", "Z")]
    X = np.column_stack([loc_a, loc_b, score, np.arange(8.0)])
    d = Design(None, ("loc", "s", "cont"), np.zeros(8), X, terms, None, clusters, None, 8)
    assert small_clusters.identification(d, 0) == {
        "n_la": 1, "n_iro": 2, "identified_by": "LAs with IROs in the category"}
    # reference category (both dummies 0): LAs d and e, 3 IROs; category: b, c (3 IROs)
    assert small_clusters.identification(d, 1)["n_la"] == 2
    assert small_clusters.identification(d, 2)["n_la"] == 3     # with 1: a c d; with 0: a b e
    assert small_clusters.identification(d, 3) == {"n_la": 5, "n_iro": 8,
                                                   "identified_by": "all LAs"}
