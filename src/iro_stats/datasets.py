"""The analysis datasets: extracts as the statistics see them, plus the LA-level dataset.

User-missing codes (-99, -98) and blank strings become missing, free-text answers are dropped; each respondent frame gets the LA
columns it is analysed by (``RESPONDENT_LA_COLUMNS``, joined on la_code from the LA dataset) and the
derived variables of the value specs; the LA dataset itself is the frame ``la``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import la_dataset
from .measures import LA_COLUMNS, derive
from .reference import TEXT_SUFFIX

MISSING_CODES = (-99, -98)
RESPONDENT_DATASETS = ("iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral")
# LA columns joined to respondent rows: the subgroups and correlates of the value specs, and the
# location of the service for the IRO models ("la_location"; missing = no location information).
RESPONDENT_LA_COLUMNS = {**{c: c for c in LA_COLUMNS}, "location": "la_location"}


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """User-missing codes and blank strings as missing values; free-text answers (``*_text``)
    dropped, so that they never leave the validated frames."""
    frame = frame.drop(columns=[c for c in frame.columns if c.endswith(TEXT_SUFFIX)])
    frame.attrs = {}   # value labels stay with the validated frames (pandas deep-copies attrs)
    return frame.mask(frame.isin(MISSING_CODES)).replace("", np.nan)


def analysis_frames(frames: dict[str, pd.DataFrame], derived: dict,
                    la_frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every extract cleaned, the LA dataset built from them (``la``), LA columns joined to the
    respondent frames and the specs' derived variables added."""
    cleaned = {name: clean(frame) for name, frame in frames.items()}
    la = la_dataset.build(cleaned, la_frame)
    out = {"la": derive(la, derived.get("la", {}))}
    for name, frame in cleaned.items():
        if name in RESPONDENT_DATASETS:
            frame = la_dataset.attach(frame.drop(columns=list(RESPONDENT_LA_COLUMNS.values()),
                                                 errors="ignore"), la, RESPONDENT_LA_COLUMNS)
        out[name] = derive(frame, derived.get(name, {}))
    return out
