"""Shared fixtures: the repository's reference files and the report's text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
REPORT = ROOT.parent / "shared" / "seeds" / "002_6fd05cb1eef49808.txt"


def normalise(text: str) -> str:
    """Compare report text loosely: NFKC, plain quotes and dashes, one space for any whitespace."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\uf0b7": " ", "\u2022": " "}.items():
        text = text.replace(fancy, plain)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)  # words hyphenated across a line break


@pytest.fixture(scope="session")
def published():
    from iro_stats.reference import load_published

    return load_published(REFERENCE / "published.yaml")


@pytest.fixture(scope="session")
def codebook():
    from iro_stats.reference import load_codebook

    return load_codebook(REFERENCE / "codebook.yaml")


@pytest.fixture(scope="session")
def la_frame():
    from iro_stats.reference import load_la_frame

    return load_la_frame(REFERENCE / "local_authorities_england_2012.csv")


@pytest.fixture(scope="session")
def report_text():
    if not REPORT.exists():
        pytest.skip(f"the report's text is not at {REPORT} (../shared beside the checkout)")
    return normalise(REPORT.read_text(encoding="utf-8"))
