"""specs/values.yaml: every published value is measured by a spec that fits the codebook."""

from __future__ import annotations

import pytest
from conftest import ROOT

from iro_stats.stats.measures import check_specs, coverage, resolve
from iro_stats.reference.specs import load_specs


@pytest.fixture(scope="module")
def specs():
    return load_specs(ROOT / "specs" / "values.yaml")


def test_specs_fit_the_codebook_and_published_values(specs, published, codebook):
    problems = check_specs(specs, resolve(specs, published), published, codebook)
    assert not problems, "\n".join(problems)


def test_every_published_value_is_measured_or_explained(specs, published):
    how = coverage(resolve(specs, published), published, specs["pending"])
    gaps = how[how["how"] == "no_spec"]
    assert gaps.empty, gaps.to_string()
    assert all(isinstance(reason, str) and len(reason) > 10 for reason in specs["pending"].values())
