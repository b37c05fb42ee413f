"""The analysis datasets: extracts as the statistics see them, plus the LA-level dataset.

The codebook's user-missing codes (-99 not answered, -98 routed out:
:func:`iro_stats.reference.loaders.missing_codes`) and blank strings become missing, free-text
answers are dropped; each respondent frame gets the LA columns it is analysed by (``RESPONDENT_LA_COLUMNS``, joined on la_code from the LA dataset) and the
derived variables of the value specs; the LA dataset itself is the frame ``la``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.dataset import la_dataset
from iro_stats.reference.loaders import TEXT_SUFFIX, MissingCodes

# Columns joined to every respondent frame from the LA frame and LA attributes (via la_code).
LA_COLUMNS = ("la_type", "ofsted_lac", "ofsted_after_apr2011", "lac_2012")
RESPONDENT_DATASETS = ("iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral")
# LA columns joined to respondent rows: the subgroups and correlates of the value specs, and the
# location of the service for the IRO models ("la_location"; missing = no location information).
RESPONDENT_LA_COLUMNS = {**{c: c for c in LA_COLUMNS}, "location": "la_location"}


def derive(frame: pd.DataFrame, definitions: dict) -> pd.DataFrame:
    """Add derived variables. Each definition is one operation over listed variables:

    - ``count_in: {vars, codes}``: how many of ``vars`` have a value in ``codes``;
    - ``all_in`` / ``any_in``: 1 if all / any of ``vars`` are in ``codes``, else 0.

    A derived value is missing where any of its variables is missing (listwise), or with
    ``missing: all`` only where all of them are (the others then count as not in ``codes``, as
    SPSS COUNT does).
    """
    new: dict[str, np.ndarray] = {}
    for name, definition in (definitions or {}).items():
        definition = dict(definition)
        rule = definition.pop("missing", "any")
        (op, args), = definition.items()
        columns = np.column_stack([
            new[v] if v in new else frame[v].to_numpy(dtype="float64", na_value=np.nan)
            for v in args["vars"]])
        hits = np.isin(columns, args["codes"]).sum(axis=1)
        value = {"count_in": hits, "all_in": hits == len(args["vars"]), "any_in": hits > 0}[op]
        known = ~np.isnan(columns)
        answered = known.all(axis=1) if rule == "any" else known.any(axis=1)
        new[name] = np.where(answered, value.astype(float), np.nan)
    derived = pd.DataFrame({name: pd.array(values, dtype="Float64") for name, values in new.items()},
                           index=frame.index)
    return pd.concat([frame.drop(columns=[n for n in new if n in frame.columns]), derived], axis=1)



def clean(frame: pd.DataFrame, missing: MissingCodes) -> pd.DataFrame:
    """User-missing codes (``missing.all``) and blank strings as missing values; free-text
    answers (``*_text``) dropped, so that they never leave the validated frames."""
    frame = frame.drop(columns=[c for c in frame.columns if c.endswith(TEXT_SUFFIX)])
    frame.attrs = {}   # value labels stay with the validated frames (pandas deep-copies attrs)
    return frame.mask(frame.isin(missing.all)).replace("", np.nan)


def analysis_frames(frames: dict[str, pd.DataFrame], derived: dict, la_frame: pd.DataFrame,
                    missing: MissingCodes) -> dict[str, pd.DataFrame]:
    """Every extract cleaned (the codebook's ``missing`` codes as missing), the LA dataset built
    from them (``la``), LA columns joined to the respondent frames and the specs' derived
    variables added."""
    cleaned = {name: clean(frame, missing) for name, frame in frames.items()}
    la = la_dataset.build(cleaned, la_frame)
    out = {"la": derive(la, derived.get("la", {}))}
    for name, frame in cleaned.items():
        if name in RESPONDENT_DATASETS:
            frame = la_dataset.attach(frame.drop(columns=list(RESPONDENT_LA_COLUMNS.values()),
                                                 errors="ignore"), la, RESPONDENT_LA_COLUMNS)
        out[name] = derive(frame, derived.get(name, {}))
    return out


ANALYSIS_DATASETS = (*RESPONDENT_DATASETS, "la")


def read_analysis_frames(indir, names=ANALYSIS_DATASETS) -> dict[str, pd.DataFrame]:
    """The analysis frames ``names`` written by :func:`iro_stats.dataset.build.build_and_write`."""
    from pathlib import Path

    return {name: pd.read_parquet(Path(indir) / f"{name}.parquet") for name in names}
