"""The disclosure control options of the commands that publish statistics (config
``disclosure``; :mod:`iro_stats.common.disclosure_rule`)."""

from __future__ import annotations

import argparse

from iro_stats.common.disclosure_rule import enabled


def disclosure(parser: argparse.ArgumentParser) -> None:
    """``--source``, ``--disclosure-threshold``, ``--disclosure-apply`` (config ``disclosure``)."""
    parser.add_argument("--source", required=True, choices=["synthetic", "spss"])
    parser.add_argument("--disclosure-threshold", type=int, default=5)
    parser.add_argument("--disclosure-apply", default="real", choices=["real", "always"])


def threshold(args: argparse.Namespace) -> int | None:
    """The disclosure threshold when disclosure control applies, else None."""
    on = enabled({"source": args.source, "disclosure": {"apply": args.disclosure_apply}})
    return args.disclosure_threshold if on else None
