"""k-times larger synthetic surveys with the same distributions, for benchmarks.

Every survey respondent and Cafcass enquiry is repeated ``k`` times under new ids (suffix
``_<copy>``), in the same local authority; the LA attributes and the eight referred cases (a
coded case list, not a sample) are unchanged. Every percentage, mean and
correlation of the respondent data is therefore exactly that of scale 1; counts and base Ns are
k times larger (so published counts no longer match, by design).
"""

from __future__ import annotations

import pandas as pd

ID_COLUMNS = {"iro": "iro_id", "manager": "mgr_id", "dcs": "dcs_id",
              "cafcass_enquiry": "enquiry_id"}


def scale_frames(frames: dict[str, pd.DataFrame], k: int) -> dict[str, pd.DataFrame]:
    """The datasets of ``frames`` with every respondent/record repeated ``k`` times."""
    if k < 1:
        raise ValueError(f"scale must be a positive integer, not {k}")
    if k == 1:
        return frames
    out = {}
    for name, frame in frames.items():
        id_column = ID_COLUMNS.get(name)
        if id_column is None:
            out[name] = frame
            continue
        copies = []
        for copy in range(k):
            part = frame.copy()
            part[id_column] = part[id_column].astype(str) + f"_{copy}"
            copies.append(part)
        out[name] = pd.concat(copies, ignore_index=True)
    return out
