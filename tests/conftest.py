"""Shared fixtures: the repository's reference files and the report's text."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parents[1]

# Property-based tests: derandomized by default (the test command never fails by chance, and
# keeps no example database in the checkout); HYPOTHESIS_PROFILE=explore draws new examples and
# remembers failures outside the checkout.
settings.register_profile("derandomized", derandomize=True, database=None, max_examples=100,
                          deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile(
    "explore", parent=settings.get_profile("derandomized"), derandomize=False,
    database=DirectoryBasedExampleDatabase(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "iro-stats-hypothesis"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))

# the models spec the workflow passes to the generator (config.yaml: models)
MODELS = ROOT / "specs" / "models.yaml"
REFERENCE = ROOT / "data" / "reference"
REPORT = ROOT.parent / "shared" / "seeds" / "002_6fd05cb1eef49808.txt"


def _scale(codebook, var):
    labels = var.get("values")
    return codebook["scales"][labels] if isinstance(labels, str) else labels


def small_frame(codebook, la_frame, dataset, n=6, seed=1):
    """A valid extract of ``n`` rows built from the codebook: every variable present, codes from
    its labels, routed-out items -98 where the routing condition fails."""
    spec = codebook["datasets"][dataset]
    codes = list(la_frame["la_code"])
    if dataset == "la_attributes":
        n = len(codes)
    rng = np.random.default_rng(seed)
    frame = {}
    for var in spec["variables"]:
        name, kind = var["name"], var["kind"]
        if kind == "id":
            frame[name] = [f"X{i:03d}" for i in range(n)]
        elif kind == "la":
            frame[name] = codes[:n]
        elif kind == "text":
            frame[name] = [""] * n
        elif kind in ("count", "continuous"):
            low, high = var.get("range", (0, 50))
            frame[name] = rng.integers(int(low), int(high) + 1, n).astype(float)
        else:
            frame[name] = rng.choice([float(c) for c in _scale(codebook, var)], n)
    out = pd.DataFrame(frame)
    for var in spec["variables"]:
        if var.get("routing") and var["kind"] not in ("text",):
            out.loc[~out.eval(var["routing"]).astype(bool), var["name"]] = -98.0
    return out


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
    from iro_stats.reference.loaders import load_published

    return load_published(REFERENCE / "published.yaml")


@pytest.fixture(scope="session")
def codebook():
    from iro_stats.reference.loaders import load_codebook

    return load_codebook(REFERENCE / "codebook.yaml")


@pytest.fixture(scope="session")
def la_frame():
    from iro_stats.reference.loaders import load_la_frame

    return load_la_frame(REFERENCE / "local_authorities_england_2012.csv")


@pytest.fixture(scope="session")
def report_text():
    if not REPORT.exists():
        pytest.skip(f"the report's text is not at {REPORT} (../shared beside the checkout)")
    return normalise(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def synthetic(published, codebook, la_frame):
    """The synthetic extracts of the default seed, generated once per test session, with their
    analysis frames and every published value measured on them."""
    from iro_stats.dataset.analysis import analysis_frames
    from iro_stats.reference.loaders import missing_codes
    from iro_stats.reference.specs import load_specs
    from iro_stats.stats.measures import resolve
    from iro_stats.stats.reproduce import reproduce
    from iro_stats.synth.surveys import generate

    specs = load_specs(ROOT / "specs" / "values.yaml")
    resolved = resolve(specs, published)
    frames, relaxed = generate(la_frame, codebook, resolved, published, 20120401, specs["derived"],
                               MODELS)
    analysis = analysis_frames(frames, specs["derived"], la_frame, missing_codes(codebook))
    table = reproduce(analysis, resolved, published, specs["pending"])
    return {"frames": frames, "relaxed": relaxed, "analysis": analysis, "resolved": resolved,
            "table": table}
