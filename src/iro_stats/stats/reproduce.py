"""Published beside reproduced: every value of ``published.yaml`` measured on the datasets.

One row per published value: ``id, statistic, published, reproduced, base_n_published,
base_n_reproduced, excluded_n, outside_n, status, note`` (``excluded_n``: rows of the subgroup left
out as missing; ``outside_n``: rows outside the subgroup; the three add up to the dataset's rows). A value matches when the exact reproduced value rounds half-up
to the printed one (counts: equal; ranges: both ends) and, where a base N is printed, the
reproduced base lies within it; an approximation in words matches when the exact value lies in
the interval its words admit (``words`` in published.yaml). Statuses: ``match``, ``mismatch``, ``approximate`` (a vague number without a words interval,
number in words, shown but not judged), ``pending`` (no engine yet, with the reason),
``not_computable`` (no extract can determine it, with the reason).
"""

from __future__ import annotations

import math
from collections import namedtuple
from fractions import Fraction

import pandas as pd

from iro_stats.reference.loaders import range_text
from iro_stats.reference.specs import SpecError
from iro_stats.stats.measures import Columns, as_columns, measure_in
from iro_stats.common.rounding import exact, prints_as


def _matches(row, m) -> bool:
    decimals = int(row.decimals)
    if pd.notna(row.words_min):   # an approximation in words: the interval its words admit
        low, high = Fraction(repr(row.words_min)), Fraction(repr(row.words_max))
        ends = m.value if isinstance(m.value, tuple) else (m.value,)   # a range: both ends
        return all(low <= exact(v) <= high for v in ends)
    if row.statistic == "range":
        low, high = m.value
        return prints_as(exact(low), row.value_min, decimals) and prints_as(
            exact(high), row.value_max, decimals)
    if not prints_as(exact(m.value), row.value, decimals):
        return False
    if pd.notna(row.base_n_min) and row.statistic in ("percent", "mean", "sd", "r", "p"):
        return int(row.base_n_min) <= m.base_n <= int(row.base_n_max)
    return True


_Row = namedtuple("_Row", ["id", "statistic", "value", "value_min", "value_max", "decimals",
                           "base_n_min", "base_n_max", "words_min", "words_max", "approximate",
                           "not_computable"])


def _rows(published: pd.DataFrame):
    """The published values' fields that the judge reads, one tuple per value."""
    return map(_Row._make, zip(*(published[c].tolist() for c in _Row._fields)))


def reproduce(frames: dict[str, pd.DataFrame | Columns], resolved: dict[str, dict],
              published: pd.DataFrame, pending: dict[str, str]) -> pd.DataFrame:
    """Measure every published value that has a spec on ``frames`` (see
    :func:`iro_stats.dataset.analysis.analysis_frames`)."""
    frames = {name: as_columns(frame) for name, frame in frames.items()}
    rows = []
    for row in _rows(published):
        out = {"id": row.id, "statistic": row.statistic,
               "published": row.value if pd.notna(row.value) else range_text(row.value_min,
                                                                             row.value_max),
               "reproduced": None, "base_n_published": row.base_n_min, "base_n_reproduced": None,
               "excluded_n": None, "outside_n": None,
               "status": None, "note": None}
        spec = resolved.get(row.id)
        if spec is None:
            out["status"] = "pending" if row.id in pending else "not_computable"
            out["note"] = pending.get(row.id) or row.not_computable
        else:
            try:
                m = measure_in(frames, row.statistic, spec)
            except SpecError as exc:   # e.g. an optional extract that was not supplied
                out.update(status="not_computable", note=f"{exc} (were its answers "
                           "supplied?)")
                rows.append(out)
                continue
            shown = m.value if isinstance(m.value, tuple) else float(m.value)
            if not isinstance(shown, tuple) and math.isnan(shown):
                out.update(status="not_computable", base_n_reproduced=m.base_n,
                           note="no valid answers in its base (were its answers supplied?)"
                           if m.base_n == 0 else
                           f"no value: the statistic is undefined on its {m.base_n} rows")
                rows.append(out)
                continue
            out.update(reproduced=shown, base_n_reproduced=m.base_n, excluded_n=m.excluded,
                       outside_n=m.outside)
            ok = _matches(row, m)
            out["status"] = "match" if ok else ("approximate" if row.approximate and pd.isna(
                row.words_min) else "mismatch")
        rows.append(out)
    return pd.DataFrame(rows)
