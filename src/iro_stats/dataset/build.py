"""The analysis frames built once from the validated extracts and written for every rule after
it (:mod:`iro_stats.dataset.analysis` says what they are)."""

from __future__ import annotations

import pandas as pd

from iro_stats.dataset.analysis import ANALYSIS_DATASETS, analysis_frames


def build_and_write(indir, specs_path, la_frame_path, codebook_path,
                    outdir) -> dict[str, pd.DataFrame]:
    """The analysis frames of the validated extracts in ``indir`` (:func:`analysis_frames`, with
    the value specs' derived variables and the missing codes of the codebook at
    ``codebook_path``) written as ``<outdir>/<name>.parquet``."""
    from pathlib import Path

    from iro_stats.common.atomic import atomic_path
    from iro_stats.read.ingest import read_frames
    from iro_stats.reference.loaders import load_codebook, load_la_frame, missing_codes
    from iro_stats.reference.specs import load_specs

    derived = load_specs(specs_path)["derived"]
    frames = analysis_frames(read_frames(indir), derived, load_la_frame(la_frame_path),
                             missing_codes(load_codebook(codebook_path)))
    for name in ANALYSIS_DATASETS:
        with atomic_path(Path(outdir) / f"{name}.parquet") as tmp:
            frames[name].to_parquet(tmp, index=False)
    return {name: frames[name] for name in ANALYSIS_DATASETS}
