"""Table A.3 as published beside the final models: beta and R2 at the printed precision
(:func:`iro_stats.common.rounding.printed`), significance at ``alpha``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.common.rounding import printed
from iro_stats.reference.model_spec import ModelSpec, ModelSpecError
from iro_stats.stats.models import ModelResult


def compare_published(results: dict[str, ModelResult], spec: ModelSpec,
                      published: pd.DataFrame) -> pd.DataFrame:
    """Published Table A.3 beside the final models: beta at 3 dp, R2 at 2 dp, significance at
    ``alpha``; one row per published id plus any reproduced final term that the report lacks."""
    by_id = published.set_index("id")
    rows = []
    for name, res in results.items():
        m = res.model
        final = dict(zip(res.final.terms, range(len(res.final.terms))))
        wanted = [(term, pid) for term, pid in m.published_terms.items()]
        wanted += [(t, None) for t in res.final.terms[1:] if t not in m.published_terms]
        for term, pid in wanted:
            row = {"id": pid, "model": name, "term": term, "statistic": "beta"}
            if pid is not None:
                if pid not in by_id.index:
                    raise ModelSpecError(f"models.{name}.published: id {pid} is not in "
                                         f"published.yaml")
                pub = by_id.loc[pid]
                row.update(published=pub["value"], decimals=int(pub["decimals"]),
                           significant_published=bool(pub["significant"]))
            else:
                row.update(published=np.nan, decimals=3, significant_published=False)
            j = final.get(term)
            row["in_final_model"] = j is not None
            if j is not None:
                beta, p = res.final.beta[j], res.final.p[j]
                row.update(reproduced=beta, printed=printed(beta, row["decimals"]), p=p,
                           significant_reproduced=bool(p < spec.alpha))
            else:
                row.update(reproduced=np.nan, printed="", p=np.nan, significant_reproduced=False)
            rows.append(row)
        if m.published_r2:
            pub = by_id.loc[m.published_r2]
            rows.append({"id": m.published_r2, "model": name, "term": "R2", "statistic": "r2",
                         "published": pub["value"], "decimals": int(pub["decimals"]),
                         "in_final_model": True, "reproduced": res.final.r2,
                         "printed": printed(res.final.r2, int(pub["decimals"])), "p": np.nan,
                         "significant_published": np.nan, "significant_reproduced": np.nan})
    out = pd.DataFrame(rows)
    value_ok = [bool(r.printed) and pd.notna(r.published)
                and printed(r.published, r.decimals) == r.printed for r in out.itertuples()]
    sig_ok = [True if r.statistic == "r2" else r.significant_published == r.significant_reproduced
              for r in out.itertuples()]
    out["value_matches"] = value_ok
    out["significance_matches"] = sig_ok
    out["status"] = np.where(out["id"].isna(), "not in the report",
                             np.where(out["value_matches"] & out["significance_matches"],
                                      "match", "mismatch"))
    return out[["id", "model", "term", "statistic", "decimals", "published", "reproduced",
                "printed", "p", "significant_published", "significant_reproduced",
                "in_final_model", "value_matches", "significance_matches", "status"]]
