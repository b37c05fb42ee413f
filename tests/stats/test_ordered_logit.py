"""The ordinal logit of the robustness checks (``robustness._ordered_logit``: the logistic cdf by
scipy.special.expit, the score in closed form) against statsmodels' own OrderedModel, whose
derivatives are numerical, on the same data."""

from __future__ import annotations

import warnings

import numpy as np

from iro_stats.common.seeds import stream
from iro_stats.stats.robustness import _ordered_logit


def _data(levels: int = 5):
    rng = stream(20120401, "test", "ordered_logit")
    X = np.column_stack([rng.normal(size=200), rng.integers(0, 2, 200), rng.normal(size=200)])
    latent = X @ np.array([0.8, -0.5, 0.3]) + rng.logistic(size=200)
    y = np.digitize(latent, [-1.0, 0.0, 1.2, 2.0][:levels - 1]) + 1
    return rng, X, y, rng.integers(0, 40, 200)


def test_the_closed_form_score_is_the_derivative_of_statsmodels_likelihood():
    """At parameters away from the optimum (every threshold and slope in play), for 2 and 5
    levels: the score equals the central difference of statsmodels' own log-likelihood."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel   # not at collection
    from statsmodels.tools.numdiff import approx_fprime

    for levels in (2, 5):
        rng, X, y, _ = _data(levels)
        own, theirs = _ordered_logit()(y, X, distr="logit"), OrderedModel(y, X, distr="logit")
        for _ in range(3):
            params = rng.normal(scale=0.5, size=X.shape[1] + levels - 1)
            numerical = approx_fprime(params, theirs.loglikeobs, centered=True)
            assert np.abs(numerical).max() > 0.1
            np.testing.assert_allclose(own.score_obs(params), numerical, atol=1e-6)
            np.testing.assert_allclose(own.score(params), numerical.sum(axis=0), atol=1e-5)
            np.testing.assert_allclose(own.loglike(params), theirs.loglike(params), rtol=1e-13)


def test_the_fit_is_statsmodels_own_with_clustered_errors():
    """The same optimum (to the optimizer's tolerance) and the same cluster-robust standard
    errors as statsmodels' OrderedModel, whose score and Hessian are finite differences."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel   # not at collection

    _, X, y, groups = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = [model(y, X, distr="logit").fit(
            method="bfgs", disp=False, maxiter=2000, cov_type="cluster",
            cov_kwds={"groups": groups}) for model in (OrderedModel, _ordered_logit())]
    assert all(fit.mle_retvals["converged"] for fit in fits)
    np.testing.assert_allclose(fits[1].params, fits[0].params, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fits[1].bse, fits[0].bse, rtol=1e-4)
    assert abs(fits[0].params[0] - 0.8) < 0.4          # the slope is recovered, roughly
