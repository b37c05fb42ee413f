"""The workflow's config schema: every key documented and defaulted, and the defaults are the
shipped config.yaml (so the two cannot drift apart)."""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml

from conftest import ROOT

SCHEMA_PATH = ROOT / "workflow" / "schemas" / "config.schema.yaml"
CONFIG_PATH = ROOT / "config.yaml"


@pytest.fixture(scope="module")
def schema():
    return yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


def properties(schema, prefix=""):
    """(dotted path, subschema) of every property of ``schema``, at every nesting level."""
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path, sub
        yield from properties(sub, f"{path}.")
    items = schema.get("items")
    if isinstance(items, dict):
        yield from properties(items, f"{prefix}[].")


def from_defaults(schema):
    """The config the schema's defaults alone give: each top-level key's default."""
    return {name: copy.deepcopy(sub["default"]) for name, sub in schema["properties"].items()}


def test_schema_is_valid(schema):
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_property_has_a_default_and_a_description(schema):
    missing = [f"{path} (no {key})" for path, sub in properties(schema)
               for key in ("default", "description") if key not in sub]
    assert not missing, "config schema properties without a default or description: " + \
        ", ".join(missing)
    empty = [path for path, sub in properties(schema)
             if not isinstance(sub["description"], str) or not sub["description"].strip()]
    assert not empty, f"empty descriptions: {empty}"


def test_nested_defaults_agree_with_their_section(schema):
    """An object's default (the whole section) and its keys' own defaults say the same; a key
    the section's default leaves out must default to null (absent and null both mean unset)."""
    disagree = []
    for path, sub in properties(schema):
        if "properties" not in sub:
            continue
        section = sub["default"]
        assert isinstance(section, dict), f"{path}: default is not an object"
        assert set(section) <= set(sub["properties"]), \
            f"{path}: default has unknown keys {sorted(set(section) - set(sub['properties']))}"
        for name, child in sub["properties"].items():
            if section.get(name) != child["default"]:
                disagree.append(f"{path}.{name}: {section.get(name)!r} != {child['default']!r}")
    assert not disagree, "section defaults disagree with their keys' defaults: " + \
        "; ".join(disagree)


def test_defaults_are_the_shipped_config(schema, config):
    assert from_defaults(schema) == config


def test_defaults_validate(schema):
    jsonschema.Draft202012Validator(schema).validate(from_defaults(schema))


def test_shipped_config_validates(schema, config):
    jsonschema.Draft202012Validator(schema).validate(config)


def test_required_keys_are_enforced(schema, config):
    """The defaults do not hide a missing required key from plain validation."""
    validator = jsonschema.Draft202012Validator(schema)
    for name in ("models", "layouts"):
        partial = {k: v for k, v in config.items() if k != name}
        assert not validator.is_valid(partial), f"{name} is not required"
    layouts = {**config, "layouts": {"tables": "specs/tables", "figures": "specs/figures.yaml"}}
    assert not validator.is_valid(layouts), "layouts.units is not required"


def test_an_unknown_source_and_an_extract_of_the_wrong_kind_are_refused(schema, config):
    """What Snakemake's ``validate`` refuses at the start of a run (the wiring is tested once,
    by a run: tests/test_workflow.py, an invalid config is refused), here in process."""
    validator = jsonschema.Draft202012Validator(schema)
    messages = [e.message for e in validator.iter_errors({**config, "source": "excel"})]
    assert any("excel" in m for m in messages), messages
    spss = {**config["spss"], "iro": "data/raw/iro.csv", "manager": "m.sav", "dcs": "d.sav"}
    messages = [e.message for e in validator.iter_errors(
        {**config, "source": "spss", "spss": spss})]
    assert any("iro.csv" in m for m in messages), messages
    assert validator.is_valid({**config, "source": "spss", "spss": {**spss, "iro": "i.zsav"}})
