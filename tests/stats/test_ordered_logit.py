"""The ordinal logit of the robustness checks (``robustness._ordered_logit``: the logistic cdf by
scipy.special.expit) against statsmodels' own OrderedModel on the same data."""

from __future__ import annotations

import numpy as np

from iro_stats.common.seeds import stream
from iro_stats.stats.robustness import _ordered_logit


def test_the_faster_ordinal_logit_is_statsmodels_own():
    from statsmodels.miscmodels.ordinal_model import OrderedModel   # not at collection

    rng = stream(20120401, "test", "ordered_logit")
    X = np.column_stack([rng.normal(size=200), rng.integers(0, 2, 200)])
    latent = X @ np.array([0.8, -0.5]) + rng.logistic(size=200)
    y = np.digitize(latent, [-1.0, 0.0, 1.2]) + 1
    fits = [model(y, X, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
            for model in (OrderedModel, _ordered_logit())]
    np.testing.assert_allclose(fits[1].params, fits[0].params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fits[1].bse, fits[0].bse, rtol=1e-8)
    assert abs(fits[0].params[0] - 0.8) < 0.4          # the slope is recovered, roughly
