"""Summaries of the reference files: what the report publishes and what the codebook covers.

- ``catalogue_summary``: number of published values per source (table, figure, section) and
  respondent group, with the statistics they are.
- ``la_frame_check``: the shipped LA frame's count of authorities by type against Table A.1.
"""

from __future__ import annotations

import pandas as pd

from iro_stats.reference.loaders import LA_TYPES


def catalogue_summary(published: pd.DataFrame) -> pd.DataFrame:
    """Values per source and group: ``source, group, n_values, statistics, n_not_computable``."""
    ordered = published.assign(_order=range(len(published)))
    summary = (
        ordered.groupby(["source", "group"], sort=False)
        .agg(
            n_values=("id", "size"),
            statistics=("statistic", lambda s: ";".join(sorted(set(s)))),
            n_not_computable=("not_computable", lambda s: int(s.notna().sum())),
            _order=("_order", "min"),
        )
        .sort_values("_order")
        .drop(columns="_order")
        .reset_index()
    )
    return summary


def table_a1_counts(published: pd.DataFrame) -> dict[str, int]:
    """Number of LAs in England by type as Table A.1 prints it (from the published values)."""
    rows = published[(published["source"] == "Table A.1") & (published["column"] == "las")
                     & (published["statistic"] == "count")]
    counts = {row.subgroup: int(row.value) for row in rows.itertuples() if row.subgroup in LA_TYPES}
    return counts


def la_frame_check(la_frame: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """LAs by type in the frame beside Table A.1: ``la_type, frame, published, verdict``."""
    printed = table_a1_counts(published)
    frame_counts = la_frame["la_type"].value_counts()
    rows = []
    for la_type in LA_TYPES:
        have, want = int(frame_counts.get(la_type, 0)), printed.get(la_type)
        rows.append({
            "la_type": la_type, "frame": have, "published": want,
            "verdict": "match" if want == have else "mismatch",
        })
    return pd.DataFrame(rows)


def write_catalogue(published_path, values_out, summary_out, consistency_out) -> pd.DataFrame:
    """published.yaml validated and written as one row per value, with its summary and the
    report's self-consistency checks. Returns the published values."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.reference.audit import published_consistency
    from iro_stats.reference.loaders import load_published

    published = load_published(published_path)
    write_csv(values_out, published)
    write_csv(summary_out, catalogue_summary(published))
    write_csv(consistency_out, published_consistency(published))
    return published


def write_codebook_variables(codebook_path, out) -> pd.DataFrame:
    """codebook.yaml validated; every variable written with its dataset, kind, scale and uses."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.reference.loaders import codebook_variables, load_codebook

    variables = codebook_variables(load_codebook(codebook_path))
    write_csv(out, variables)
    return variables


def write_la_frame_check(la_frame_path, published_path, out) -> int:
    """The LA frame's counts by type written beside Table A.1; an error if they differ. Returns
    the number of authorities."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.common.errors import IroStatsError
    from iro_stats.reference.loaders import load_la_frame, load_published

    la_frame = load_la_frame(la_frame_path)
    check = la_frame_check(la_frame, load_published(published_path))
    write_csv(out, check)
    if (check["verdict"] != "match").any():
        raise IroStatsError(f"{la_frame_path}: LA counts by type differ from Table A.1:\n"
                            f"{check.to_string(index=False)}")
    return len(la_frame)
