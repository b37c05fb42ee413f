# Shared definitions for the rules.

import os
import sys

# The interpreter that runs Snakemake: the one iro_stats is installed in.
PYTHON = sys.executable
RESULTS = config["results"]
REFERENCE = config["reference"]


def pkg(*modules):
    """The package modules a rule calls, declared as inputs so the rule reruns when they change."""
    return [f"src/iro_stats/{m}.py" for m in ("__init__", "__main__", "cli", "errors", *modules)]
