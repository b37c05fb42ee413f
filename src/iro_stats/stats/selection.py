"""Backward elimination as SPSS ``/METHOD=BACKWARD`` does it: the predictor with the largest p
(F-test on all its dummies for a dummy set, t-test otherwise) is removed while p >= ``p_remove``,
every step on the full model's sample."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.stats.design import Design
from iro_stats.stats.ols import Fit, nested_f, ols


def _residuals(d: Design, predictors) -> tuple[float, int]:
    """Residual sum of squares and degrees of freedom of OLS on a constant and the predictors'
    terms (a submodel of one :func:`ols` has fitted, so never collinear)."""
    cols = d.columns(predictors)
    X1 = np.column_stack([np.ones(len(d.y)), d.X[:, cols]])
    b = np.linalg.lstsq(X1, d.y, rcond=None)[0]
    resid = d.y - X1 @ b
    return float(resid @ resid), len(d.y) - X1.shape[1]


def _fit_predictors(d: Design, predictors) -> Fit:
    cols = d.columns(predictors)
    return ols(d.y, d.X[:, cols], [d.terms[j].name for j in cols])


def backward(d: Design, p_remove: float) -> tuple[list[str], pd.DataFrame]:
    """Backward elimination on the design's (fixed) sample: the predictors left and every step's
    tests (``step, predictor, df1, df2, F, p, action``). A dummy set is tested by the F-test of all
    its dummies, a single term by F = t²."""
    active = [p for p in d.predictors if d.columns([p])]
    steps, step = [], 0
    while active:
        step += 1
        current = _residuals(d, active)
        tests = []
        for p in active:
            f, df1, df2, pval = nested_f(*current, *_residuals(d, [a for a in active if a != p]))
            tests.append({"step": step, "predictor": p, "df1": df1, "df2": df2, "F": f, "p": pval,
                          "action": "kept"})
        worst = max(range(len(tests)), key=lambda i: (tests[i]["p"], -i))
        if tests[worst]["p"] >= p_remove:
            tests[worst]["action"] = "removed"
            active.remove(tests[worst]["predictor"])
        else:
            for t in tests:
                t["action"] = "final"
            steps += tests
            break
        steps += tests
    frame = pd.DataFrame(steps, columns=["step", "predictor", "df1", "df2", "F", "p", "action"])
    frame.insert(0, "model", d.model.name)
    return active, frame
