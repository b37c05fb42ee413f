"""The report's statements in words and the questionnaire's logic (``statements.yaml``): loaded,
validated against its schema and the rules a schema cannot state (unique ids, quantifiers and
relations that exist, ``top`` naming its measures, variables of the codebook or derived)."""

from __future__ import annotations

from pathlib import Path

from iro_stats.reference.loaders import raise_if, read_yaml, schema_errors


def statement_problems(document: dict, variables: dict[str, set[str]] | None = None) -> list[str]:
    """Rules the schema cannot state; ``variables``: dataset -> its variable names (codebook and
    derived), to check the names each measure uses."""
    problems, seen = [], set()
    for s in document["statements"]:
        sid = s["id"]
        if sid in seen:
            problems.append(f"{sid}: duplicate id")
        seen.add(sid)
        if s.get("quantifier") and s["quantifier"] not in document["quantifiers"]:
            problems.append(f"{sid}: unknown quantifier {s['quantifier']!r} (known: "
                            f"{', '.join(document['quantifiers'])})")
        if s.get("relation") and s["relation"] not in document["relations"]:
            problems.append(f"{sid}: unknown relation {s['relation']!r}")
        measures = s.get("measures") or {}
        if s.get("top"):
            unknown = set(s["top"]) - set(measures)
            if unknown or len(s["top"]) >= len(measures):
                problems.append(f"{sid}: top must name some but not all of its measures "
                                f"({sorted(unknown) or s['top']})")
        if s.get("ends") and (set(s["ends"]) != set(measures)
                              or set(s["ends"].values()) != {"min", "max"}):
            problems.append(f"{sid}: ends must give each measure an end, both ends used")
        if variables is None:
            continue
        for name, m in ({"measure": s["measure"]} if "measure" in s else measures).items():
            if m["var"] not in variables.get(m["dataset"], set()):
                problems.append(f"{sid}: {name}: {m['var']!r} is not a variable of "
                                f"{m['dataset']}")
    for name, q in document["quantifiers"].items():
        if q["min"] > q["max"]:
            problems.append(f"quantifier {name}: min {q['min']} above max {q['max']}")
    return problems


def load_statements(path: str | Path, variables: dict[str, set[str]] | None = None) -> dict:
    """``statements.yaml`` checked (raises :class:`ReferenceDataError` listing every problem)."""
    document = read_yaml(path)
    raise_if(schema_errors(document, "statements"), path, "statements (schema)")
    raise_if(statement_problems(document, variables), path, "statements")
    return document
