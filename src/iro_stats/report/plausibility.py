"""The plausibility audit written out: the report's statements in words measured on the data
(:mod:`iro_stats.stats.statements`), the questionnaire's logic checked on every record and the
degenerate-variable scan (:mod:`iro_stats.stats.degenerate`)."""

from __future__ import annotations

from pathlib import Path

WITHHELD = "withheld (disclosure control)"


def write_plausibility(frames_dir, statements_path, codebook_path, published_path, specs_path,
                       threshold: int | None, out_dir) -> dict[str, int]:
    """``statements.csv`` (one verdict per statement), ``degenerate.csv`` (one row per finding)
    and ``logic_violations.csv`` (each record that breaks a rule: for the analyst, not for
    publication) in ``out_dir``. Under disclosure control (``threshold`` set) the measured
    values of the statements are withheld, as they may show small counts. Returns counts."""
    from iro_stats.common.atomic import write_csv
    from iro_stats.dataset.analysis import read_analysis_frames
    from iro_stats.reference.loaders import load_codebook
    from iro_stats.reference.statements import load_statements
    from iro_stats.stats import degenerate, statements
    from iro_stats.stats.measures import load_resolved

    codebook = load_codebook(codebook_path)
    frames = read_analysis_frames(frames_dir)
    variables = {name: set(frame.columns) for name, frame in frames.items()}
    catalogue = load_statements(statements_path, variables)
    published, _, resolved = load_resolved(published_path, specs_path)
    verdicts = statements.audit(frames, catalogue)
    if threshold is not None:
        verdicts.loc[verdicts["measured"].notna(), "measured"] = WITHHELD
    ids = {name: spec["id"] for name, spec in codebook["datasets"].items() if spec.get("id")}
    broken = statements.violations(frames, catalogue, ids)
    found = degenerate.scan(frames, codebook, degenerate.expected_empty(resolved, published),
                            degenerate.expected_constant(catalogue),
                            degenerate.printed_means(resolved, published))
    out = Path(out_dir)
    write_csv(out / "statements.csv", verdicts)
    write_csv(out / "logic_violations.csv", broken)
    write_csv(out / "degenerate.csv", found)
    counts = verdicts["verdict"].value_counts().to_dict()
    return {**counts, "logic violations": len(broken), "degenerate findings": len(found)}
