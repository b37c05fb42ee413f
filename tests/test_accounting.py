"""Row accounting: no row disappears silently from any measured value."""

from __future__ import annotations

import pandas as pd


def test_every_row_is_accounted_for_in_every_measured_value(synthetic):
    """base N + rows excluded as missing + rows outside the subgroup = the rows of the dataset,
    for every published value measured on the synthetic default."""
    sizes = {name: len(frame) for name, frame in synthetic["analysis"].items()}
    table = synthetic["table"].dropna(subset=["base_n_reproduced"])
    assert len(table) > 400
    for row in table.itertuples():
        if synthetic["resolved"][row.id].get("range_of"):    # parts on several datasets
            assert pd.isna(row.excluded_n) and pd.isna(row.outside_n), row.id
            continue
        rows = sizes[synthetic["resolved"][row.id]["dataset"]]
        total = row.base_n_reproduced + row.excluded_n + row.outside_n
        assert total == rows, f"{row.id}: {total} of {rows} rows accounted for"
