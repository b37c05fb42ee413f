"""Arguments shared by several commands."""

from __future__ import annotations

import argparse

from iro_stats.common.errors import IroStatsError


def required(parser: argparse.ArgumentParser, *options: str) -> None:
    for option in options:
        parser.add_argument(f"--{option}", required=True)


def pairs(items: list[str] | None, option: str, number: bool = False) -> dict[str, str | int]:
    """``NAME=VALUE`` arguments as a dict (``number``: VALUE a whole number)."""
    out: dict[str, str | int] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value or (number and not value.isdigit()):
            raise IroStatsError(f"--{option} {item}: give NAME={'N' if number else 'PATH'}")
        out[name] = int(value) if number else value
    return out


def survey_file(parser: argparse.ArgumentParser, help_text: str, surveys) -> None:
    """The arguments of a command on one survey export: the file, its survey (one of
    ``surveys``), the codebook and the LA frame."""
    parser.add_argument("file", help=help_text)
    parser.add_argument("--survey", required=True, choices=list(surveys))
    parser.add_argument("--codebook", default="data/reference/codebook.yaml")
    parser.add_argument("--la-frame", default="data/reference/local_authorities_england_2012.csv")
