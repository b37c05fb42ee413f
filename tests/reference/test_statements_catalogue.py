"""The catalogue of the report's statements in words (data/reference/statements.yaml): its shape,
its rules and its quotes."""

from __future__ import annotations

import copy
import re

import pytest
from conftest import REFERENCE, normalise
from test_reference import _occurs

from iro_stats.common.errors import ReferenceDataError
from iro_stats.reference.loaders import read_yaml
from iro_stats.reference.statements import load_statements, statement_problems

CATALOGUE = REFERENCE / "statements.yaml"


@pytest.fixture(scope="module")
def document():
    return read_yaml(CATALOGUE)


def test_the_catalogue_loads_with_every_variable_known(codebook):
    from conftest import ROOT

    from iro_stats.reference.specs import load_specs

    derived = load_specs(ROOT / "specs" / "values.yaml")["derived"]
    variables = {name: {v["name"] for v in spec["variables"]} | set(derived.get(name, {}))
                 for name, spec in codebook["datasets"].items()}
    catalogue = load_statements(CATALOGUE, variables)
    kinds = {s["kind"] for s in catalogue["statements"]}
    assert kinds == {"quantifier", "ordering", "mean_range", "logic"}


def test_every_quote_is_in_the_report(document, report_text):
    missing = [s["id"] for s in document["statements"]
               if not _occurs(normalise(s["quote"]), report_text)]
    assert not missing


@pytest.mark.parametrize("change, message", [
    (lambda d: d["statements"][0].update(quantifier="lots"), "unknown quantifier 'lots'"),
    (lambda d: d["statements"].append(copy.deepcopy(d["statements"][0])), "duplicate id"),
    (lambda d: next(s for s in d["statements"] if s["kind"] == "ordering").update(
        top=["nobody"]), "top must name some but not all"),
    (lambda d: d["quantifiers"]["many"].update(min=120), "statements (schema)"),
    (lambda d: d["statements"][0].update(kind="hunch"), "statements (schema)"),
])
def test_a_malformed_catalogue_is_refused_naming_the_statement(document, tmp_path, change,
                                                               message):
    import yaml

    bad = copy.deepcopy(document)
    change(bad)
    path = tmp_path / "statements.yaml"
    path.write_text(yaml.safe_dump(bad, sort_keys=False))
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        load_statements(path)


def test_a_measure_of_an_unknown_variable_is_named(document):
    problems = statement_problems(document, {"iro": set()})
    assert any("s3_3.many_not_informed: measure: 'iro_informed_changes' is not a variable"
               in p for p in problems)
