"""The reproduction report for reviewers: one self-contained HTML page.

Sections: the headline (how many published values match, of how many), mismatches first with
their reasons, then every source (table, figure, section) side by side, the consistency audit of
the report's own figures, and the provenance of the run.
"""

from __future__ import annotations

import hashlib
import html
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pyreadstat", "snakemake", "pandera",
            "matplotlib", "iro-stats")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 90rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .85rem; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.mismatch td { background: #fde8e8; } tr.not_computable td { color: #666; }
td:last-child { min-width: 26rem; } td:first-child { white-space: nowrap; }
.headline { font-size: 1.2rem; } .small { color: #555; font-size: .85rem; }
"""


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def provenance(config: dict, inputs: dict[str, str]) -> pd.DataFrame:
    """What produced this run: source, seed, package versions, input checksums, git commit."""
    rows = [("data source", config.get("source", "")), ("seed", str(config.get("seed", ""))),
            ("python", platform.python_version())]
    for name in PACKAGES:
        try:
            rows.append((f"package {name}", metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((f"package {name}", "not installed"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        rows.append(("git commit", commit + (" (with uncommitted changes)" if dirty else "")))
    except (OSError, subprocess.CalledProcessError):
        rows.append(("git commit", "unknown (not a git checkout)"))
    for name, path in sorted(inputs.items()):
        rows.append((f"sha256 {name}", f"{sha256(path)}  {path}"))
    return pd.DataFrame(rows, columns=["item", "value"])


def _table(frame: pd.DataFrame, row_class: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for record in frame.to_dict("records"):
        cls = f' class="{html.escape(str(record[row_class]))}"' if row_class else ""
        cells = []
        for value in record.values():
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            shown = "" if value is None or (numeric and pd.isna(value)) else (
                f"{value:.6g}" if isinstance(value, float) else str(value))
            cells.append(f'<td{" class=num" if numeric else ""}>{html.escape(shown)}</td>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render(comparison: pd.DataFrame, consistency: pd.DataFrame, prov: pd.DataFrame) -> str:
    """The report as one HTML page (see the module docstring)."""
    counts = comparison["status"].value_counts()
    judged = int(counts.get("match", 0) + counts.get("mismatch", 0))
    shown = ["id", "statistic", "published", "reproduced", "base_n_published",
             "base_n_reproduced", "abs_diff", "tolerance", "status", "note"]
    head = ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>iro-stats: published vs reproduced</title><style>{STYLE}</style></head><body>")
    headline = (f"<p class=headline><b>{counts.get('match', 0)}</b> of {judged} published values "
                f"that the data determine are reproduced; {counts.get('mismatch', 0)} are not "
                f"(listed first, with the reason); {counts.get('not_computable', 0)} of "
                f"{len(comparison)} cannot be computed from any extract.</p>")
    rule = ("<p class=small>A value matches when the exact reproduced value rounds half-up to the "
            "printed one at its printed precision (tolerance: half a unit of it) and, where the "
            "report prints a base N, the reproduced base agrees; an approximation in words "
            "matches when the exact value lies in the interval its words admit.</p>")
    parts = [head, "<h1>The IRO survey report (NCB, 2013): published vs reproduced</h1>",
             headline, rule]
    mismatches = comparison[comparison["status"] == "mismatch"]
    parts += ["<h2>Mismatches</h2>", _table(mismatches[shown], "status") if len(mismatches)
              else "<p>None.</p>"]
    parts.append("<h2>Every value, by source</h2>")
    for source, rows in comparison.groupby("source", sort=False):
        parts += [f"<h3>{html.escape(str(source))}</h3>", _table(rows[shown], "status")]
    bad = consistency[consistency["verdict"] != "consistent"]
    audit = (f"<p>{len(consistency)} checks of the report's own figures (percentages against "
             "their base, rows summing to 100, restated numbers, subgroups adding up, r against "
             f"p and N); {len(bad)} are not consistent:</p>")
    parts += ["<h2>The report checked against itself</h2>", audit, _table(bad),
              "<h2>Provenance</h2>", _table(prov), "</body></html>"]
    return "\n".join(parts)
