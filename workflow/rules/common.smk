# Shared definitions for the rules.

import os
import shlex
import sys

import yaml

from iro_stats.common.codegraph import command_inputs
from iro_stats.common.disclosure_rule import enabled as disclosure_enabled


def _params_without_pandas():
    """Snakemake hashes rules' params with pandas whenever pandas is installed (its
    PersistenceBase._serialize_param), so every call, a no-op too, imports pandas (0.3 s here).
    No param of ours is a pandas object, and for any other value that serializer gives the plain
    one's result: use the plain one. Left alone if Snakemake's code is not of that shape
    (tests/workflow/test_code_inputs.py notices pandas imported again)."""
    import snakemake.persistence as persistence

    base = getattr(persistence, "PersistenceBase", None)
    if isinstance(vars(base or object).get("_serialize_param"), property) and hasattr(
            base, "_serialize_param_builtin"):
        base._serialize_param = property(lambda self: self._serialize_param_builtin)


_params_without_pandas()

# The interpreter that runs Snakemake: the one iro_stats is installed in.
PYTHON = sys.executable
RESULTS = config["results"]
REFERENCE = config["reference"]
LAYOUTS = config["layouts"]
# The analysis frames (rule analysis), read by every rule that computes statistics.
FRAMES = f"{RESULTS}/data/analysis"
ANALYSIS_DATASETS = ["iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral", "la"]


def code(command, *also):
    """The package files the ``iro-stats`` command of ``iro_stats.cli.<command>`` (and the
    modules ``also``) can import, derived from the code, so that a rule reruns exactly when code
    it runs changes."""
    return command_inputs(command, os.getcwd(), also)


# The models' cluster bootstrap in chunks of config["bootstrap_chunk"] replicates.
BOOTSTRAP_CHUNK = min(config["bootstrap_chunk"], max(config["replicates"], 1))
BOOTSTRAP_CHUNKS = -(-config["replicates"] // BOOTSTRAP_CHUNK)


# The extracts of the configured source (config "source": synthetic or spss).
INGEST_DATASETS = ["iro", "manager", "dcs", "cafcass_enquiry", "cafcass_referral", "la_attributes"]


def extract_paths(wildcards=None):
    """dataset -> .sav path of the configured source (optional real extracts may be absent)."""
    if config["source"] == "synthetic":
        return {d: f"{RESULTS}/synthetic/{d}.sav" for d in INGEST_DATASETS}
    spss = config["spss"]
    return {d: spss[d] for d in INGEST_DATASETS if spss.get(d)}


def mapping_input(wildcards=None):
    mapping = config.get("spss", {}).get("mapping") if config["source"] == "spss" else None
    return [mapping] if mapping else []


# The notebooks (jupytext percent scripts in notebooks/) and the outputs each one reads:
# paths under the results folder, "figure:<id>" for a figure, "table:<id>" for a table's files.
CHAPTERS = {
    2: (["t2_1", "t2_2", "t2_3", "t2_5"], ["f2_1", "f2_2", "f2_3", "f2_4"]),
    3: (["t3_1", "t3_2", "t3_3", "t3_4", "t3_5"], ["f3_1", "f3_2", "f3_3", "f3_4", "f3_5", "f3_6"]),
    4: (["t4_1", "t4_2", "t4_4", "t4_5"], ["f4_1", "f4_2"]),
    5: (["t5_1", "t5_2"], ["f5_1"]),
    6: (["t6_1", "t6_2", "t6_2_cases"], ["f6_1", "f6_2", "f6_3"]),
}
NOTEBOOK_INPUTS = {
    "overview": ["published_vs_reproduced.csv", "audit/published_consistency.csv",
                 "table:text_es", "table:text_1", "figure:f1_1"],
    "appendix_a": ["ledger.csv", "audit/validation.txt", "tables/table_a1.csv",
                   "tables/table_a2.csv", "tables/la_statistics.csv"],
    "appendix_b": ["models/table_a3.html", "models/published_comparison.csv",
                   "models/samples.csv", "models/selection.csv", "models/appendix_b.csv",
                   "figure:ta_3_coefficients", "models/robustness.csv", "models/bootstrap.csv",
                   "models/sensitivity.csv", "models/verdicts.csv"],
    **{f"chapter{c}": ["published_vs_reproduced.csv", f"table:text_{c}",
                       *[f"table:{t}" for t in tables], *[f"figure:{f}" for f in figures]]
       for c, (tables, figures) in CHAPTERS.items()},
}


def notebook_inputs(wildcards=None):
    """The outputs the notebooks read, all of them (one job runs every notebook), each once."""
    paths = []
    for item in dict.fromkeys(i for items in NOTEBOOK_INPUTS.values() for i in items):
        kind, _, name = item.partition(":")
        if kind == "figure":
            paths.append(f"{config['figures']}/{name}.png")
        elif kind == "table":
            paths.append(f"{RESULTS}/tables/{name}.html")
        else:
            paths.append(f"{RESULTS}/{item}")
    return paths


# Disclosure control options passed to the rules that write statistics (src/iro_stats/stats/disclosure.py).
# Whether disclosure control applies (src/iro_stats/common/disclosure_rule.py): then the run
# ends with the disclosure audit.
DISCLOSURE_ON = disclosure_enabled(config)
DISCLOSURE_OPTIONS = (
    f"--source {config['source']}"
    f" --disclosure-threshold {config.get('disclosure', {}).get('threshold', 5)}"
    f" --disclosure-apply {config.get('disclosure', {}).get('apply', 'real')}"
)


# With disclosure control on, one decision for every published output (the disclosure_plan job);
# the tables, figures and comparison read it.
PLAN = [f"{RESULTS}/audit/disclosure_plan.csv"] if DISCLOSURE_ON else []
PLAN_OPTION = f"--disclosure-plan {PLAN[0]}" if PLAN else ""


def report_category(item_id):
    """The Snakemake report's category of a table or figure id: its chapter."""
    part = item_id.split("_")[1] if item_id.startswith("text_") else item_id[1:].split("_")[0]
    return {"es": "Executive summary", "a": "Appendix A"}.get(part, f"Chapter {part}")


def in_report(paths, ids, kind, names):
    """Paths flagged for the Snakemake report, one per table or figure, by chapter, labelled
    with the report's name and title of each (``names``: id -> (source, title))."""
    return [report(path, caption=f"../report/{kind}.rst", category=report_category(i),
                   subcategory=f"{kind.title()}s",
                   labels={kind.title(): names[i][0], "Title": names[i][1]})
            for path, i in zip(paths, ids)]


def titles(published, layouts):
    """id -> (source, title) of every table and figure: its published block's, or its layout's
    own (the in-text statistics), for the Snakemake report's labels. ``layouts``: the parsed
    layout files."""
    with open(published, encoding="utf-8") as handle:
        blocks = {b["id"]: (b["source"], b["title"]) for b in
                  yaml.load(handle, getattr(yaml, "CSafeLoader", yaml.SafeLoader))["blocks"]}
    for document in layouts:
        for section in ("tables", "figures"):
            for lid, layout in (document.get(section) or {}).items():
                if (layout or {}).get("title"):
                    blocks[lid] = (layout.get("source", lid), layout["title"])
    return blocks
