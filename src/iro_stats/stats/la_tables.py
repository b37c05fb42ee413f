"""LA-level statistics and Tables A.1 and A.2, measured on the LA dataset by the value engine.

Every published value specified on ``dataset: la`` is measured (exact value, base N: authorities
with a valid value of the column, rows excluded as missing) and set beside the published one.
Tables A.1 (by LA type) and A.2 (by Ofsted rating) are laid out from those measurements.
"""

from __future__ import annotations

import pandas as pd

from iro_stats.stats.reproduce import reproduce

TABLE_COLUMNS = {"_las": "las", "_responses": "responses", "_responses_pct": "responses_pct"}


def la_statistics(frames: dict[str, pd.DataFrame], resolved: dict[str, dict],
                  published: pd.DataFrame) -> pd.DataFrame:
    """Every LA-level published value measured on the LA dataset (``frames['la']``)."""
    ids = [pid for pid, spec in resolved.items() if spec.get("dataset") == "la"]
    chosen = published[published["id"].isin(ids)]
    table = reproduce(frames, resolved, chosen, {})
    return chosen[["id", "block", "label"]].merge(table, on="id")


def appendix_table(stats: pd.DataFrame, block: str) -> pd.DataFrame:
    """Table A.1 or A.2 as the report lays it out: one row per LA type or rating (and the
    total), the number of LAs, of responding LAs and their percentage (exact values). Under
    disclosure control (``stats`` has a ``suppression`` column) a last column ``suppression``
    marks the row's hidden cells (``responses: primary; las: primary``, '' where none is), and
    those blank for want of data (``responses: not computable``, e.g. no Ofsted ratings)."""
    rows: dict[str, dict] = {}
    marked = "suppression" in stats
    for row in stats[stats["block"] == block].itertuples():
        name = row.id.split(".", 1)[1]
        for suffix in sorted(TABLE_COLUMNS, key=len, reverse=True):
            if name.endswith(suffix):
                key = name.removesuffix(suffix)
                entry = rows.setdefault(key, {"row": key, "suppression": []})
                entry[TABLE_COLUMNS[suffix]] = row.reproduced
                if marked and isinstance(row.suppression, str) and row.suppression:
                    entry["suppression"].append(f"{TABLE_COLUMNS[suffix]}: {row.suppression}")
                elif marked and row.status == "not_computable":   # e.g. no ratings supplied
                    entry["suppression"].append(f"{TABLE_COLUMNS[suffix]}: not computable")
                break
    for entry in rows.values():
        entry["suppression"] = "; ".join(entry["suppression"])
    columns = ["row", *TABLE_COLUMNS.values()] + (["suppression"] if marked else [])
    return pd.DataFrame(list(rows.values()), columns=columns)


def write_la_tables(frames_dir, published_path, specs_path, threshold: int | None, stats_out,
                    table_a1_out, table_a2_out) -> dict[str, int]:
    """Every LA-level value of the analysis frames in ``frames_dir`` beside the published one, and
    Tables A.1 and A.2, suppressed at ``threshold`` (None: no disclosure control). Returns the
    count of values per status."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.stats.disclosure import protect_measured
    from iro_stats.stats.measures import load_resolved

    published, _, resolved = load_resolved(published_path, specs_path)
    stats = la_statistics(read_analysis_frames(frames_dir), resolved, published)
    if threshold is not None:
        stats = protect_measured(stats, threshold)
    write_csv(stats_out, stats)
    write_csv(table_a1_out, appendix_table(stats, "ta_1"))
    write_csv(table_a2_out, appendix_table(stats, "ta_2"))
    return stats["status"].value_counts().to_dict()
