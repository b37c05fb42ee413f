"""The one .sav writer: every SPSS file the project writes goes through :func:`write_sav`.

- :func:`write`: an extract described by the codebook (variable labels, value labels with the
  missing codes, declared user-missing values, measurement levels);
- :func:`write_plain`: an analysis frame for the exported syntax (numbers as doubles, missing as
  system-missing; strings with missing values blank).

readstat stamps the file header with the current date and time; the stamp is overwritten with a
fixed one so that the same data always give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iro_stats.common.atomic import atomic_path
from iro_stats.common.errors import IroStatsError
from iro_stats.reference.loaders import missing_codes, scale_of

HEADER_STAMP = b"01 Apr 1200:00:00"  # creation date (9 bytes) and time (8 bytes)
STAMP_OFFSET = 92                    # after rec_type, product name, layout ... bias (SPSS header)
MEASURE = {"id": "nominal", "la": "nominal", "categorical": "nominal", "binary": "nominal",
           "ordinal": "ordinal", "count": "scale", "continuous": "scale", "text": "nominal"}


def _labels(codebook: dict, var: dict) -> dict[float, str]:
    out = {float(code): label for code, label in scale_of(codebook, var).items()}
    out.update({float(code): label for code, label in missing_codes(codebook).labels.items()})
    return out


def write(frame: pd.DataFrame, dataset: str, codebook: dict, path: str | Path) -> None:
    """Write ``frame`` (canonical names, SPSS codes) as ``path``, described by the codebook."""
    spec = codebook["datasets"][dataset]
    variables = [v for v in spec["variables"] if v["name"] in frame.columns]
    data = frame[[v["name"] for v in variables]].copy()
    numeric = [v for v in variables if v["kind"] not in ("id", "la", "text")]
    for var in numeric:
        data[var["name"]] = data[var["name"]].astype("float64")
    for var in variables:
        if var["kind"] in ("id", "la", "text"):
            data[var["name"]] = data[var["name"]].fillna("").astype(str)
    codes = sorted(float(c) for c in missing_codes(codebook).all)
    write_sav(data, path, file_label=spec["label"][:64],
              column_labels={v["name"]: v["label"] for v in variables},
              variable_value_labels={v["name"]: _labels(codebook, v) for v in numeric},
              missing_ranges={v["name"]: codes for v in numeric},
              variable_measure={v["name"]: MEASURE[v["kind"]] for v in variables})


def write_plain(frame: pd.DataFrame, path: str | Path) -> None:
    """An analysis frame as a .sav: numbers as doubles (missing: system-missing), strings with
    missing values blank."""
    from iro_stats.stats.measures import column_kinds

    columns = {}
    for name, kind in column_kinds(frame).items():
        column = frame[name]
        if kind == "string":
            columns[name] = column.astype(object).where(column.notna(), "").astype(str).to_numpy(
                dtype=object)
        else:
            columns[name] = column.to_numpy(dtype="float64", na_value=float("nan"))
    write_sav(pd.DataFrame(columns), path)


def write_sav(data: pd.DataFrame, path: str | Path, **metadata) -> None:
    """``data`` written by pyreadstat with ``metadata`` (its keyword arguments), atomically and
    byte-stable (the header's clock stamp fixed).

    SPSS strings are blank-padded: trailing blanks carry no meaning and a blank string reads back
    as missing. A NUL character would silently cut a string short, so text holding one is
    refused, naming the variable and the rows."""
    import pyreadstat

    for name in data.columns:
        column = data[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            bad = column.astype(str).str.contains("\x00", regex=False) & column.notna()
            if bad.any():
                rows = ", ".join(str(r) for r in column.index[bad][:10])
                raise IroStatsError(f"{path}: variable {name}: text holding a NUL character "
                                    f"(rows {rows}); an SPSS string cannot hold it")
    with atomic_path(path) as tmp:
        pyreadstat.write_sav(data, tmp, **metadata)
        raw = bytearray(tmp.read_bytes())
        raw[STAMP_OFFSET:STAMP_OFFSET + len(HEADER_STAMP)] = HEADER_STAMP
        tmp.write_bytes(bytes(raw))
