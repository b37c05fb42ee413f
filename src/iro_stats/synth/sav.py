"""Write a dataset as an SPSS .sav file from the codebook: variable labels, value labels (missing
codes included), declared user-missing values (-99, -98) and measurement levels.

readstat stamps the file header with the current date and time; the stamp is overwritten with a
fixed one so that the same data always give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..atomic import atomic_path

HEADER_STAMP = b"01 Apr 1200:00:00"  # creation date (9 bytes) and time (8 bytes)
STAMP_OFFSET = 92                    # after rec_type, product name, layout ... bias (SPSS header)
MEASURE = {"id": "nominal", "la": "nominal", "categorical": "nominal", "binary": "nominal",
           "ordinal": "ordinal", "count": "scale", "continuous": "scale", "text": "nominal"}


def _labels(codebook: dict, var: dict) -> dict[float, str]:
    labels = var.get("values")
    labels = codebook["scales"][labels] if isinstance(labels, str) else (labels or {})
    out = {float(code): label for code, label in labels.items()}
    out.update({float(code): label for code, label in codebook["missing_codes"].items()})
    return out


def write(frame: pd.DataFrame, dataset: str, codebook: dict, path: str | Path) -> None:
    """Write ``frame`` (canonical names, SPSS codes) as ``path``, described by the codebook."""
    import pyreadstat

    spec = codebook["datasets"][dataset]
    variables = [v for v in spec["variables"] if v["name"] in frame.columns]
    data = frame[[v["name"] for v in variables]].copy()
    numeric = [v for v in variables if v["kind"] not in ("id", "la", "text")]
    for var in numeric:
        data[var["name"]] = data[var["name"]].astype("float64")
    for var in variables:
        if var["kind"] in ("id", "la", "text"):
            data[var["name"]] = data[var["name"]].fillna("").astype(str)
    codes = sorted(float(c) for c in codebook["missing_codes"])
    with atomic_path(path) as tmp:
        pyreadstat.write_sav(
            data, tmp, file_label=spec["label"][:64],
            column_labels={v["name"]: v["label"] for v in variables},
            variable_value_labels={v["name"]: _labels(codebook, v) for v in numeric},
            missing_ranges={v["name"]: codes for v in numeric},
            variable_measure={v["name"]: MEASURE[v["kind"]] for v in variables},
        )
        raw = bytearray(tmp.read_bytes())
        raw[STAMP_OFFSET:STAMP_OFFSET + len(HEADER_STAMP)] = HEADER_STAMP
        tmp.write_bytes(bytes(raw))
