"""The ``iro-stats`` command: one module per workflow rule, each parsing its arguments and
calling one package function.

``main`` imports only the module of the command it runs (``COMMANDS``), so a command loads no
more of the package than it uses, and the workflow can derive each rule's code inputs from that
module's imports (:mod:`iro_stats.common.codegraph`). Data and configuration problems
(``IroStatsError``) print a message and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from iro_stats.common.errors import IroStatsError

# command -> (module under iro_stats.cli, help)
COMMANDS = {
    "reference catalogue": ("reference_catalogue", "validate published.yaml; write its values, a "
                            "summary per source and group, and its self-consistency checks"),
    "reference codebook": ("reference_codebook", "validate codebook.yaml; list its variables"),
    "reference la-frame": ("reference_la_frame", "validate the LA frame against Table A.1"),
    "synthetic": ("synthetic", "generate the synthetic .sav extracts calibrated to the published "
                  "values"),
    "disclosure-audit": ("disclosure_audit", "scan a run's published files for a count below the "
                         "disclosure threshold that is shown or derivable (exit 1 naming them)"),
    "mapping draft": ("mapping_draft", "a first mapping of a real export to the codebook, each "
                      "proposal scored, the doubtful ones marked REVIEW"),
    "validate": ("validate", "check an SPSS extract against the codebook before running anything "
                 "(exit 0 usable, 1 not)"),
    "ingest": ("ingest", "read and validate all extracts; write them as parquet with the ledger "
               "and the validation report"),
    "analysis": ("analysis", "the analysis frames (missing codes applied, LA columns joined, "
                 "derived variables) and the LA-level dataset, as parquet"),
    "la-dataset": ("la_dataset", "Tables A.1, A.2 and the LA-level statistics"),
    "models": ("models", "fit the Appendix B models (Table A.3), their robustness checks and "
               "SPSS syntax"),
    "bootstrap-chunk": ("bootstrap_chunk", "one chunk of the models' cluster bootstrap"),
    "bootstrap-merge": ("bootstrap_merge", "pool the bootstrap chunks and summarise"),
    "plausibility": ("plausibility", "the report's statements in words, the questionnaire's "
                     "logic and degenerate variables, measured on the data"),
    "disclosure-plan": ("disclosure_plan", "one disclosure decision for every published "
                        "output of a run under disclosure control"),
    "reproduction": ("reproduction", "every published value beside the reproduced one (CSV)"),
    "reproduction-report": ("reproduction_report", "the reviewers' HTML report of the "
                            "published values beside the reproduced ones"),
    "spss-tables": ("spss_tables", "SPSS syntax for every descriptive value (tables.sps) and the "
                    "analysis datasets as .sav beside it"),
    "notebooks": ("notebooks", "execute the notebooks (jupytext percent scripts) against the "
                  "results and export them as HTML"),
    "tables": ("tables", "the report's tables from specs/tables/*.yaml: CSV and HTML"),
    "figures": ("figures", "the report's figures from specs/figures.yaml: PNG, SVG and each "
                "one's data"),
    "workbook": ("workbook", "every table's CSV in one workbook (.xlsx)"),
}


def _usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {help_text}" for name, (_, help_text) in COMMANDS.items()]
    return "usage: iro-stats COMMAND [options]\n\ncommands:\n" + "\n".join(lines)


def _command(argv: list[str]) -> tuple[str | None, list[str]]:
    for words in (2, 1):
        name = " ".join(argv[:words])
        if len(argv) >= words and name in COMMANDS:
            return name, argv[words:]
    return None, argv


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    name, rest = _command(argv)
    if name is None:
        print(_usage(), file=sys.stderr if argv[:1] not in (["-h"], ["--help"]) else sys.stdout)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(f"iro_stats.cli.{module_name}")
    parser = argparse.ArgumentParser(prog=f"iro-stats {name}", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    try:
        module.run(args)
    except IroStatsError as exc:
        print(f"iro-stats: error: {exc}", file=sys.stderr)
        return 1
    return 0
