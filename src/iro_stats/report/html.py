"""The reproduction report for reviewers: one self-contained HTML page that works offline.

From the top: what was compared, on which data and what a match proves; what did not match, in
plain words; a search box with filters (chapter, group, status); then the report's structure,
chapter by chapter, each table and figure with its title, links to its output, notebook section
and layout, each figure drawn with the printed values marked on the reproduced bars, and each
value with the report's label and quote, printed beside reproduced (value and base), a verdict
with its reason in words, and its spec and quote (file:line). Every value has a stable anchor:
``reproduction_report.html#t3_2.meet_child``. Last come the report's self-audit, the
plausibility audit, the verdict of each published Table A.3 cell (``#verdicts``: robust, or
sensitive to clustering, the sample rule, missing data or selection, with the numbers behind
it) and the provenance of the run.
"""

from __future__ import annotations

import hashlib
import html
import platform
import re
import subprocess
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

from iro_stats.common.rounding import for_review, printed
from iro_stats.report.locate import Locator, Place

PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pyreadstat", "snakemake", "pandera",
            "matplotlib", "iro-stats")
STATUS = {"match": "Match", "mismatch": "Mismatch", "not_computable": "Not computable"}
CAVEAT = {
    "synthetic": "These results come from <b>synthetic extracts</b> that the pipeline generated "
                 "to fit the report's printed numbers. A match here shows that the path from an "
                 "extract to each number works and is the report's; it says nothing about whether "
                 "the report's numbers are true. Only the real survey exports can show that.",
    "spss": "These results come from the <b>survey exports</b> read through the mapping; counts "
            "below the disclosure threshold are suppressed. A match shows that the report's "
            "number follows from these data by the method the specs state.",
}


def _asset(name: str) -> str:
    return resources.files("iro_stats.report").joinpath("assets", name).read_text(encoding="utf-8")


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
        rows.append((f"sha256 {name}", f"{sha256(path)}  {_shown_path(path)}"))
    return pd.DataFrame(rows, columns=["item", "value"])


def _shown_path(path: str | Path) -> str:
    """A path as the report may show it: relative to the project, or the file's name alone
    (an analyst's extracts and mapping live outside it: no machine path in an output)."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return resolved.name


def chapter(section: str) -> str:
    """The part of the report a section belongs to: ``3.5.1`` -> Chapter 3, ``A.2`` ->
    Appendix A, ``summary`` -> Executive summary, ``foreword`` -> Foreword."""
    head = str(section).split(".")[0]
    named = {"summary": "Executive summary", "foreword": "Foreword"}
    if head in named:
        return named[head]
    return f"Appendix {head}" if head.isalpha() else f"Chapter {head}"


def _e(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value))
                       else str(value))


def searchable(text: str) -> str:
    """A row's text as the finder matches it: lower case, words split at anything but a letter,
    a digit or a decimal point (``t3_2.meet_child`` -> ``t3 2 meet child``, ``3.2`` kept); the
    finder's script splits a query the same way and matches each word at a word's start."""
    return " ".join(re.sub(r"(?<!\d)\.|\.(?!\d)|[^\w.]|_", " ", text.lower()).split())


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


class _Links:
    """hrefs from the report's folder: outputs and notebooks are in it, specs at the root."""

    def __init__(self, root: str):
        self.root = root.rstrip("/")

    def project(self, place: Place | None, text: str | None = None) -> str:
        if place is None:
            return ""
        href = f"{self.root}/{place.path}" if self.root not in ("", ".") else place.path
        return f'<a href="{_e(href)}">{_e(text or str(place))}</a>'

    def results(self, place: Place | None, text: str) -> str:
        if place is None:
            return ""
        href = place.path + (f"#{place.anchor}" if place.anchor else "")
        return f'<a href="{_e(href)}">{_e(text)}</a>'


def _printed(row) -> str:
    value = row["published"]
    try:
        return f"{float(value):.{int(row['decimals'])}f}"
    except (TypeError, ValueError):
        return _e(value)


def _reproduced(row) -> str:
    value = row["reproduced"]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    try:
        return for_review(value, int(row["decimals"]))
    except (TypeError, ValueError):
        return _e(value)


def _base(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    try:
        return f"{int(float(value))}"
    except ValueError:
        return _e(value)


def figure_svg(cells: pd.DataFrame, statuses: dict[str, str]) -> str:
    """A figure's cells as horizontal bars (reproduced, exact) with the printed value marked on
    each cell the report prints; bars no printed value checks are drawn light."""
    shown = cells[(cells["plotted"].astype(str) == "True") | cells["published_id"].notna()]
    shown = shown[pd.to_numeric(shown["value"], errors="coerce").notna()]
    if shown.empty:
        return ""
    values = shown["value"].astype(float)
    printed = pd.to_numeric(shown["published_value"], errors="coerce")
    percent = (shown["statistic"] == "percent").all()
    top = 100.0 if percent else (max(values.max(), printed.fillna(0).max()) * 1.1 or 1.0)
    several = shown["column_label"].nunique() > 1
    label_w, bar_w, row_h = 300, 360, 20
    height = row_h * len(shown) + 8
    parts = [(f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 110} {height}" role="img" '
              f'width="{label_w + bar_w + 110}" height="{height}" aria-label="Reproduced values '
              '(bars) with the printed values marked">')]
    for i, (row, value, mark) in enumerate(zip(shown.to_dict("records"), values, printed)):
        y = 4 + i * row_h
        label = f"{row['row_label']}" + (f" · {row['column_label']}" if several else "")
        pid = row["published_id"] if isinstance(row["published_id"], str) else None
        cls = {"match": "bar-match", "mismatch": "bar-mismatch"}.get(statuses.get(pid, ""),
                                                                     "bar-unchecked")
        width = max(0.0, min(1.0, value / top)) * bar_w
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
                     f'{_e(label[:48])}</text>')
        parts.append(f'<rect class="{cls}" x="{label_w}" y="{y + 2}" width="{width:.1f}" '
                     f'height="{row_h - 6}"><title>{_e(label)}: reproduced {value:.1f}'
                     f'</title></rect>')
        text = f"{value:.1f}"
        if pid and pd.notna(mark):
            x = label_w + max(0.0, min(1.0, mark / top)) * bar_w
            parts.append(f'<line class="printed" x1="{x:.1f}" x2="{x:.1f}" y1="{y}" '
                         f'y2="{y + row_h - 2}"><title>printed {mark:g}</title></line>')
            text += f" (printed {mark:g})"
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 13}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _figure(cells: pd.DataFrame, rows: pd.DataFrame, source: str) -> str:
    statuses = dict(zip(rows["id"], rows["status"]))
    svg = figure_svg(cells, statuses)
    if not svg:
        return ""
    judged = rows[rows["status"].isin(["match", "mismatch"])]
    matched = int((judged["status"] == "match").sum())
    caption = (f"{matched} of {len(judged)} printed values of this figure match. Bars: the "
               "reproduced values (exact); black marks: the values the report prints; light "
               "bars: categories the report prints no number for (not a finding"
               + (", filled in by the synthetic data" if source == "synthetic" else "") + ").")
    return (f'<figure class="fig">{svg}<figcaption>{_e(caption)}</figcaption></figure>')


def _row(row, places, links: _Links, group_label: str) -> str:
    status = row["status"]
    search = " ".join(str(row[c]) for c in ("id", "source", "title", "label", "quote")
                      if isinstance(row[c], str)) + f" {_printed(row)} {_reproduced(row)}"
    verdict = (f'<span class="badge {status}">{STATUS[status]}</span> '
               f'<span class="reason">{_e(row["note"])}</span>')
    words = ('<span class="inwords">in words</span>' if pd.notna(row["words_min"]) else "")
    where = " ".join(filter(None, [
        links.project(places.spec, f"spec {places.spec}") if places.spec else "",
        links.project(places.quote, f"quote {Path(places.quote.path).name}:{places.quote.line}")
        if places.quote else ""]))
    return (
        f'<tr class="value {status}" id="{_e(row["id"])}" data-chapter="{_e(row["chapter"])}" '
        f'data-group="{_e(row["group"])}" data-status="{status}" '
        f'data-search="{_e(searchable(search))}">'
        f'<th scope="row"><span class="label">{_e(row["label"])}</span>'
        f'<span class="quote">“{_e(row["quote"])}”</span>'
        f'<a class="anchor" href="#{_e(row["id"])}" title="link to this value">{_e(row["id"])}</a>'
        f' <span class="group">{_e(group_label)}</span></th>'
        f'<td class="num">{_printed(row)}{words}</td><td class="num">{_reproduced(row)}</td>'
        f'<td class="num">{_base(row["base_n_published"])}</td>'
        f'<td class="num">{_base(row["base_n_reproduced"])}</td>'
        f'<td>{verdict}</td><td class="where">{where}</td></tr>')


HEAD_ROW = ('<thead><tr><th scope="col">Value (the report\'s label and words)</th>'
            '<th scope="col">Printed</th><th scope="col">Reproduced</th>'
            '<th scope="col">Base N printed</th><th scope="col">Base N repro&shy;duced</th>'
            '<th scope="col">Verdict and reason</th><th scope="col">Spec and quote (file:line)</th>'
            '</tr></thead>')


def _of(part: int, whole: int) -> str:
    return f"all {whole} are" if part == whole else f"{part} of them are"


def _plain_table(frame: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in record) + "</tr>"
                   for record in frame.itertuples(index=False))
    return f'<table class="plain"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _plausibility(verdicts: pd.DataFrame, degenerate: pd.DataFrame) -> list[str]:
    """The plausibility audit's section: each statement in words with its verdict, and the
    degenerate variables counted by finding."""
    counts = verdicts["verdict"].value_counts()
    logic = verdicts["kind"] == "logic"
    kinds = degenerate["finding"].str.split(":").str[0].value_counts()
    found = "; ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none"
    shown = verdicts[["source", "quote", "condition", "measured", "verdict"]].fillna("")
    return ['<section id="plausibility"><h2>The report\'s words checked on the data</h2>',
            (f"<p>{int((~logic).sum())} statements the report makes in words without a number "
             f"(quantifiers such as \u201cmany\u201d, orderings such as \u201cthe largest "
             f"groups\u201d) and {int(logic.sum())} rules of the questionnaire's logic that "
             f"every record must obey (data/reference/statements.yaml): "
             f"<b>{counts.get('holds', 0)} hold</b>, {counts.get('fails', 0)} fail, "
             f"{counts.get('not_computable', 0)} cannot be computed. Degenerate variables "
             f"(audit/degenerate.csv): {_e(found)}.</p>"),
            _plain_table(shown.rename(columns=str.capitalize)), "</section>"]


def _identified(n_la, n_iro, threshold: int | None) -> str:
    """The LAs and IROs that identify a term; under disclosure control (``threshold``) an IRO
    count below it, or one withheld upstream, reads 'fewer than <threshold>'."""
    if pd.isna(n_la):
        return "\u2014"
    if threshold is not None and (pd.isna(n_iro) or int(n_iro) < threshold):
        iros = f"fewer than {threshold} IROs"
    else:
        iros = "IROs withheld" if pd.isna(n_iro) else f"{int(n_iro)} IROs"
    return f"{int(n_la)} LAs, {iros}"


def verdict_counts(verdicts: pd.DataFrame) -> tuple[int, int]:
    """(robust, sensitive) among the verdicts: robust to every check that ran, or sensitive to
    at least one."""
    sensitive = int(verdicts["verdict"].astype(str).str.startswith("sensitive").sum())
    return len(verdicts) - sensitive, sensitive


def _verdicts(verdicts: pd.DataFrame, published: pd.DataFrame, source: str,
              threshold: int | None) -> list[str]:
    """The section of one verdict per published Table A.3 cell (``verdicts.csv`` of the
    bootstrap rule): the model and predictor as Table A.3 prints them, the published value and
    star at its printed precision (linked to its row in Appendix B), the verdict in words, the
    LAs and IROs identifying the term (IRO counts below ``threshold`` withheld) and the numbers
    behind it; whether the multiple imputation ran, from the verdicts' missing-data checks."""
    decimals = published.set_index("id")["decimals"]
    ran = not verdicts["missing_data"].astype(str).str.startswith("not checked").all()
    robust, sensitive = verdict_counts(verdicts)
    mi = ("Multiple imputation ran (config <code>imputation: true</code>: chained equations, "
          "several imputations, selection repeated in each, Rubin's rules), so missing data was "
          "checked." if ran else
          "Multiple imputation did <b>not</b> run (config <code>imputation: false</code>): "
          "missing data was <b>not checked</b>, and each line says so; run with "
          "<code>--config imputation=True</code> to check it.")
    data = ("On synthetic data these verdicts show what the checks do, not whether the "
            "report's conclusions are true." if source == "synthetic" else
            "IRO counts below the disclosure threshold are withheld." if threshold else "")
    rows = []
    for model, cells in verdicts.groupby("model_label", sort=False):
        rows.append(f'<tr class="model"><th colspan="5" scope="rowgroup">{_e(model)}</th></tr>')
        for cell in cells.to_dict("records"):
            value = printed(float(cell["published"]), int(decimals.get(cell["id"], 3)))
            star = "*" if str(cell["starred"]) == "True" else ""
            rows.append(
                f'<tr id="verdict-{_e(cell["id"])}"><th scope="row">{_e(cell["label"])}</th>'
                f'<td class="num"><a href="#{_e(cell["id"])}" title="this value in Appendix B">'
                f'{_e(value)}{star}</a></td><td>{_e(cell["verdict"])}</td>'
                f'<td>{_e(_identified(cell["n_la"], cell["n_iro"], threshold))}</td>'
                f'<td class="evidence">{_e(cell["evidence"])}</td></tr>')
    return ['<section id="verdicts"><h2>Do Table A.3\'s conclusions hold?</h2>',
            (f"<p>For each of the {len(verdicts)} values Table A.3 prints (each beta, starred "
             "or not at p &lt; 0.05, and each R\u00b2), whether its conclusion survives: "
             "<b>clustering</b> (CR2 standard errors by LA with Satterthwaite df, and the wild "
             "cluster bootstrap; a term too few LAs identify gets no p and is <i>not estimable "
             "with clustering</i>), the <b>sample rule</b> (the final model refitted on its own "
             "listwise sample), <b>missing data</b> (multiple imputation) and <b>selection</b> "
             "(kept in fewer than half of the cluster-bootstrap replicates, or dropped by an "
             f"ordinal model's own elimination). <b>{robust} robust</b> to every check that "
             f"ran, <b>{sensitive} sensitive</b> to at least one. {mi} {data}</p>"),
            '<table class="plain verdicts"><thead><tr><th scope="col">Predictor (Table A.3)'
            '</th><th scope="col">Published</th><th scope="col">Verdict</th>'
            '<th scope="col">Identified by</th><th scope="col">The numbers behind it</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>',
            "<p class=\"rule\">* p &lt; 0.05 as Table A.3 prints it. p values are shown to 3 "
            "decimals, betas to Table A.3's 3 and R\u00b2 to its 2, shares of replicates in "
            "whole percent. The checks' files: models/robustness.csv, bootstrap.csv, "
            "sensitivity.csv and verdicts.csv.</p>", "</section>"]


def render(comparison: pd.DataFrame, published: pd.DataFrame, locator: Locator,
           figures: dict[str, pd.DataFrame], consistency: pd.DataFrame, prov: pd.DataFrame,
           source: str, units: dict[str, str], root: str,
           plausibility: tuple[pd.DataFrame, pd.DataFrame] | None = None,
           verdicts: pd.DataFrame | None = None, threshold: int | None = None) -> str:
    """The report as one HTML page (see the module docstring). ``figures``: each figure's
    cells (its CSV); ``root``: the project folder relative to the report's; ``plausibility``:
    the statements' verdicts and the degenerate-variable findings (the plausibility audit);
    ``verdicts``: one verdict per published Table A.3 cell (``models/verdicts.csv``);
    ``threshold``: the disclosure threshold when disclosure control applies, else None."""
    links = _Links(root)
    meta = published.set_index("id")[["block", "section", "title", "words_min",
                                      "same_as"]]
    table = comparison.join(meta, on="id")
    table["chapter"] = table["section"].map(chapter)
    counts = table["status"].value_counts()
    judged = int(counts.get("match", 0) + counts.get("mismatch", 0))
    mismatches = table[table["status"] == "mismatch"]
    inconsistent = mismatches["note"].str.startswith("report inconsistency").sum()
    groups = {g: units.get(g, "Cafcass" if g == "cafcass" else g) for g in table["group"].unique()}

    parts = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Reproduction report: IROs in England (NCB, 2013), {_e(source)} data</title>",
             f"<style>{_asset('report.css')}</style></head><body>",
             ('<header><h1>Reproduction report: <i>The role of Independent Reviewing Officers '
              '(IROs) in England</i> (NCB Research Centre, 2013)</h1>'),
             f'<p class="caveat {_e(source)}">{CAVEAT.get(source, _e(source))}</p>',
             (f'<p class="headline">Every number the report prints ({len(table)} values, from '
              'its tables, figures, text and footnotes) was recomputed from the extracts. '
              f'<b>{counts.get("match", 0)} of {judged}</b> that the data determine match the '
              f'printed value; <b>{counts.get("mismatch", 0)}</b> do not '
              f'({_of(inconsistent, len(mismatches))} the report\'s own inconsistencies); '
              f'{counts.get("not_computable", 0)} cannot be computed from any extract, each '
              'with the reason.</p>'),
             ('<p class="rule">A value matches when the exact reproduced value rounds half-up '
              'to the printed one at its printed precision (as SPSS prints) and the reproduced '
              'base lies within the printed base N; a number in words matches when the exact '
              'value lies in the interval its words admit. Reproduced numbers are shown at the '
              'printed precision plus one digit.</p>')]
    if verdicts is not None:
        robust, sensitive = verdict_counts(verdicts)
        parts.append(f'<p class="headline">Beyond the report: each of Table A.3\'s '
                     f'{len(verdicts)} published values was checked against clustering, the '
                     'sample rule, missing data and selection: '
                     f'<a href="#verdicts">{robust} robust, {sensitive} sensitive</a>.</p>')
    chapters = list(dict.fromkeys(table["chapter"]))
    toc = ['<a href="#not-matched">What did not match</a>'] + [
        f'<a href="#{_slug(c)}">{_e(c)}</a>' for c in chapters] + [
        '<a href="#audit">The report checked against itself</a>',
        *(['<a href="#plausibility">The report\'s words checked on the data</a>']
          if plausibility is not None else []),
        *(['<a href="#verdicts">Do Table A.3\'s conclusions hold?</a>']
          if verdicts is not None else []),
        '<a href="#provenance">Provenance</a>']
    parts.append(f'<nav aria-label="Contents"><b>Contents:</b> {" · ".join(toc)}</nav></header>')

    parts.append('<section id="not-matched"><h2>What did not match, in plain words</h2><ul>')
    for row in mismatches.to_dict("records"):
        parts.append(f'<li><a href="#{_e(row["id"])}">{_e(row["source"])}, '
                     f'{_e(row["label"])}</a>: printed {_printed(row)}, reproduced '
                     f'{_reproduced(row)}. {_e(row["note"][:1].upper() + row["note"][1:])}</li>')
    parts.append("</ul>" if len(mismatches) else "<p>Nothing: every value matched.</p>")
    parts.append("</section>")

    def options(name: str, values: dict[str, str]) -> str:
        items = "".join(f'<option value="{_e(k)}">{_e(v)}</option>' for k, v in values.items())
        return (f'<label>{name.title()} <select id="f-{name}"><option value="">all</option>'
                f"{items}</select></label>")

    parts.append(
        '<div id="finder" role="search"><label>Find <input id="q" type="search" size="34" '
        'placeholder="e.g. Table 3.2 meet with the child" autocomplete="off"></label> '
        + options("chapter", {c: c for c in chapters})
        + options("group", groups)
        + options("status", {k: v for k, v in STATUS.items() if k in counts})
        + ' <span id="found" aria-live="polite"></span></div>')

    for name in chapters:
        parts.append(f'<section class="chapter" id="{_slug(name)}"><h2>{_e(name)}</h2>')
        mine = table[table["chapter"] == name]
        for block, rows in mine.groupby("block", sort=False):
            first = rows.iloc[0]
            places = [locator.places(i, block, s) for i, s in zip(rows["id"], rows["same_as"])]
            shown = places[0]
            out = [links.results(shown.output, "output") if shown.output else "",
                   links.results(shown.notebook, "notebook section") if shown.notebook else "",
                   links.project(shown.layout, f"layout {shown.layout}") if shown.layout else ""]
            parts.append(f'<section class="block" id="block-{_e(block)}">'
                         f'<h3>{_e(first["source"])}: {_e(first["title"])}</h3>'
                         f'<p class="links">{" · ".join(filter(None, out))}</p>')
            lid = locator.layout_of.get(block, (None,))[0]
            if lid in figures:
                parts.append(_figure(figures[lid], rows, source))
            parts.append(f'<table class="values">{HEAD_ROW}<tbody>')
            parts += [_row(row, place, links, groups[row["group"]])
                      for row, place in zip(rows.to_dict("records"), places)]
            parts.append("</tbody></table></section>")
        parts.append("</section>")

    bad = consistency[consistency["verdict"] != "consistent"]
    parts += ['<section id="audit"><h2>The report checked against itself</h2>',
              (f"<p>{len(consistency)} checks of the report's own figures (percentages against "
               "their base, rows summing to 100, restated numbers, subgroups adding up, r "
               f"against p and N); {len(bad)} are not consistent:</p>"),
              _plain_table(bad.rename(columns=str.capitalize)), "</section>",
              *(_plausibility(*plausibility) if plausibility is not None else []),
              *(_verdicts(verdicts, published, source, threshold)
                if verdicts is not None else []),
              '<section id="provenance"><h2>Provenance</h2>',
              _plain_table(prov.rename(columns=str.capitalize)), "</section>",
              f"<script>{_asset('report.js')}</script></body></html>"]
    return "\n".join(parts)
