"""The value specs (``specs/values.yaml``): how each published value is measured.

``load_specs`` reads the file's three parts; :func:`iro_stats.stats.measures.resolve` resolves them
against the published values and checks them against the codebook.
"""

from __future__ import annotations

from pathlib import Path

from iro_stats.common.errors import IroStatsError
from iro_stats.reference.loaders import parse_yaml


class SpecError(IroStatsError):
    """A value spec that does not fit the codebook or the published values."""


def load_specs(path: str | Path) -> dict:
    """Read ``specs/values.yaml``: ``derived`` variables per dataset, ``blocks`` of value specs,
    and ``pending``: values the engine cannot measure yet, each with the reason."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: file not found")
    document = parse_yaml(path.read_text(encoding="utf-8")) or {}
    return {key: document.get(key) or {} for key in ("derived", "blocks", "pending")}
