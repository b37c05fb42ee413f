"""Read an SPSS extract and bring it to the codebook's names and codes.

``read_extract`` reads a ``.sav`` with pyreadstat keeping user-missing values as values
(``user_missing=True``), so that the codebook's missing codes (-99 not answered, -98 routed out)
are applied explicitly afterwards, never guessed by the reader. A mapping file renames the
extract's variables to canonical names and recodes values; variables neither canonical nor mapped
are dropped and listed. Problems raise :class:`ExtractError` naming the file and what to do.
The mapping (rows excluded, names, the LA, recodes, routed sets) is applied by
:func:`iro_stats.read.mapping.apply`; its format is ``data/mapping.example.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from iro_stats.common.errors import ExtractError

SAV_MAGIC = (b"$FL2", b"$FL3")


@dataclass
class Extract:
    """A read extract with canonical names: the frame, where it came from and what was done."""

    dataset: str
    path: str
    frame: pd.DataFrame
    renamed: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    recoded: dict[str, int] = field(default_factory=dict)
    recode_map: dict[str, dict] = field(default_factory=dict)
    value_labels: dict[str, dict] = field(default_factory=dict)
    missing_declared: dict[str, list] = field(default_factory=dict)
    string_vars: set[str] = field(default_factory=set)
    excluded: list[tuple[int, str, str]] = field(default_factory=list)   # (row, id, reason)
    notes: list[str] = field(default_factory=list)


def read_sav(path: Path) -> tuple[pd.DataFrame, object]:
    import pyreadstat

    if not path.is_file():
        raise ExtractError(f"{path}: file not found; check the path in config.yaml")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic not in SAV_MAGIC:
        raise ExtractError(f"{path}: not an SPSS .sav file (it does not start with $FL2); "
                           "export the survey from SPSS as a .sav file")
    try:
        return pyreadstat.read_sav(str(path), user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, UnicodeError) as exc:
        raise ExtractError(f"{path}: cannot be read as an SPSS .sav file ({exc}); the file may "
                           "be truncated or corrupt: export it again") from None


def read_extract(path: str | Path, dataset: str, codebook: dict,
                 mapping: dict | None = None, la_frame: pd.DataFrame | None = None) -> Extract:
    """Read ``path`` as the extract of ``dataset``, mapped as ``mapping`` says (the LA frame
    ``la_frame`` resolves an authority given by name or another code)."""
    from iro_stats.read.mapping import apply

    path = Path(path)
    frame, meta = read_sav(path)
    if len(frame) == 0:
        raise ExtractError(f"{path}: the extract has no rows")
    section = (mapping or {}).get(dataset) or {}
    rename = dict(section.get("rename") or {})
    known = [v["name"] for v in codebook["datasets"][dataset]["variables"]]
    absent = sorted(set(rename) - set(frame.columns))
    if absent:
        raise ExtractError(f"{path}: the mapping renames variables the extract does not have: "
                           f"{', '.join(absent)}")
    targets = pd.Series(rename).value_counts()
    clashes = sorted(set(targets[targets > 1].index)
                     | (set(rename.values()) & (set(frame.columns) - set(rename))))
    if clashes:
        raise ExtractError(f"{path}: the mapping gives more than one column the same name: "
                           f"{', '.join(clashes)}")
    applied = apply(frame, section, str(path), codebook, dataset, la_frame)
    frame = applied.frame
    keep = [c for c in frame.columns if c in known]
    unmapped = [c for c in frame.columns if c not in known]
    labels = {rename.get(k, k): v for k, v in (meta.variable_value_labels or {}).items()}
    declared = {rename.get(k, k): v for k, v in (meta.missing_ranges or {}).items()}
    declared.update({rename.get(k, k): v for k, v in (meta.missing_user_values or {}).items()})
    strings = {rename.get(k, k) for k, t in (meta.original_variable_types or {}).items()
               if str(t).startswith("A")}
    frame = frame[keep].copy()
    if len(frame) == 0:
        raise ExtractError(f"{path}: the mapping's exclusions leave no rows")
    return Extract(dataset, str(path), frame, rename, unmapped, applied.recoded,
                   applied.recode_map,
                   {k: v for k, v in labels.items() if k in keep},
                   {k: v for k, v in declared.items() if k in keep}, strings & set(keep),
                   applied.excluded, applied.notes)
