"""The tables' engine on small frames with answers worked out by hand, its intervals against
statsmodels, and the repository's layouts against the published values they must carry."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from iro_stats.stats import tables
from iro_stats.stats.intervals import mean_interval, wilson
from iro_stats.stats.measures import resolve
from iro_stats.reference.specs import load_specs
from iro_stats.reference.loaders import PUBLISHED_COLUMNS

TABLE_FILES = sorted((ROOT / "specs" / "tables").glob("*.yaml"))

CODEBOOK = {
    "scales": {"frequency5": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 5: "Always"}},
    "datasets": {"iro": {"variables": [
        {"name": "freq", "values": "frequency5", "label": "How often: doing the thing"},
        {"name": "opt_a", "values": "selected", "label": "Used: option A"},
        {"name": "opt_b", "values": "selected", "label": "Used: option B"}]}},
}


def _published(*values):
    rows = []
    for value in values:
        rows.append({**dict.fromkeys(PUBLISHED_COLUMNS), "source": "Table X.1", "title": "Test",
                     "kind": "single", "group": "iro", "decimals": 0, "approximate": False,
                     "quote": "", **value})
    frame = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    for column in ("decimals", "base_n_min", "base_n_max"):
        frame[column] = frame[column].astype("Int64")
    for column in ("value", "value_min", "value_max", "words_min", "words_max"):
        frame[column] = frame[column].astype(float)
    return frame


@pytest.fixture
def frame():
    # freq: 5, 4, 3, missing, 1, 4  -> valid base 5; 'always or often' = 3 of 5
    # opt_a/opt_b: a multi-response question; the last two rows did not answer it
    nan = np.nan
    return pd.DataFrame({
        "freq": [5, 4, 3, nan, 1, 4],
        "opt_a": [1, 0, 1, 1, nan, nan],
        "opt_b": [0, 0, 1, 0, nan, nan],
        "group": ["a", "a", "b", "b", "b", "a"],
    })


def _context(frame, published, resolved):
    return tables.Context({"iro": frame}, CODEBOOK, published, resolved, {}, {"iro": 1000})


def test_valid_percent_excludes_missing_and_collapses_codes(frame):
    published = _published(
        {"id": "tx.always_often", "block": "tx", "statistic": "percent", "label": "Always/often",
         "value": 60.0, "base_n_min": 5, "base_n_max": 5})
    resolved = {"tx.always_often": {"dataset": "iro", "var": "freq", "codes": [4, 5]}}
    layout = {"dataset": "iro", "var": "freq", "rows": "codes desc",
              "extra_rows": [{"key": "ao", "label": "Always or often", "codes": [4, 5]}],
              "values": {"ao": "always_often"}}
    cells = tables.build("tx", layout, _context(frame, published, resolved)).set_index("row")
    assert list(cells.index) == ["5", "4", "3", "2", "1", "ao"]
    assert list(cells["row_label"][:5]) == ["Always", "Often", "Sometimes", "Rarely", "Never"]
    assert (cells["base_n"] == 5).all() and (cells["excluded_n"] == 1).all()
    assert Fraction(cells.at["4", "exact"]) == Fraction(2, 5) * 100
    assert cells.at["4", "count"] == 2 and cells.at["2", "count"] == 0
    # the collapsed row carries the published value and is shown, not plotted
    assert cells.at["ao", "published_id"] == "tx.always_often"
    assert cells.at["ao", "display"] == "60" and cells.at["ao", "status"] == "match"
    assert not cells.at["ao", "plotted"] and cells.at["5", "plotted"]
    assert cells["additive"].tolist() == [True] * 5 + [False]


def test_multi_response_base_is_those_who_answered(frame):
    published = _published({"id": "tm.b", "block": "tm", "statistic": "percent", "label": "B",
                            "value": 25.0})
    resolved = {"tm.b": {"dataset": "iro", "var": "opt_b", "codes": [1]}}
    layout = {"dataset": "iro", "codes": [1], "rows": {"vars": ["opt_a", "opt_b"]},
              "values": {"opt_b": "b"}}
    cells = tables.build("tm", layout, _context(frame, published, resolved)).set_index("row")
    assert (cells["base_n"] == 4).all()                # 4 answered, 2 did not
    assert Fraction(cells.at["opt_a", "exact"]) == 75 and cells.at["opt_a", "count"] == 3
    assert cells.at["opt_a", "row_label"] == "Option A"     # from the codebook's label
    assert cells.at["opt_b", "row_label"] == "B"            # the report's own label wins


def test_columns_by_subgroup_and_templates(frame):
    frame = frame.assign(x_freq=frame["freq"])
    published = _published({"id": "tg.a", "block": "tg", "statistic": "percent", "label": "a",
                            "value": 100.0})
    resolved = {"tg.a": {"dataset": "iro", "var": "x_freq", "codes": [4, 5],
                         "where": "group == 'a'"}}
    layout = {"dataset": "iro", "var": "{prefix}_freq", "codes": [4, 5],
              "rows": [{"key": "ao", "prefix": "x"}],
              "columns": [{"key": "a", "where": "group == 'a'"},
                          {"key": "b", "where": "group == 'b'"}],
              "values": {"*/a": "{column}"}}
    cells = tables.build("tg", layout, _context(frame, published, resolved)).set_index("column")
    assert cells.at["a", "published_id"] == "tg.a" and cells.at["a", "value"] == 100
    assert cells.at["b", "base_n"] == 2 and cells.at["b", "outside_n"] == 3
    assert cells.at["b", "value"] == 0


def test_a_published_value_no_cell_names_is_an_error(frame):
    published = _published({"id": "tx.never", "block": "tx", "statistic": "percent",
                            "label": "Never", "value": 20.0})
    resolved = {"tx.never": {"dataset": "iro", "var": "freq", "codes": [1, 2]}}
    layout = {"dataset": "iro", "var": "freq", "rows": "codes"}
    with pytest.raises(tables.LayoutError, match="no cell names: tx.never"):
        tables.build("tx", layout, _context(frame, published, resolved))
    # a cell that measures the same thing does not carry it unless it names it
    layout["extra_rows"] = [{"key": "rn", "codes": [1, 2]}]
    with pytest.raises(tables.LayoutError, match="no cell names: tx.never"):
        tables.build("tx", layout, _context(frame, published, resolved))
    layout["values"] = {"rn": "never"}
    cells = tables.build("tx", layout, _context(frame, published, resolved)).set_index("row")
    assert cells.at["rn", "published_id"] == "tx.never" and cells.at["rn", "value"] == 20


def _three_values():
    published = _published(
        {"id": "tv.often", "block": "tv", "statistic": "percent", "label": "Often", "value": 40.0},
        {"id": "tv.always", "block": "tv", "statistic": "percent", "label": "Always",
         "value": 20.0},
        {"id": "tv.opt_a", "block": "tv", "statistic": "percent", "label": "A", "value": 75.0})
    resolved = {"tv.often": {"dataset": "iro", "var": "freq", "codes": [4]},
                "tv.always": {"dataset": "iro", "var": "freq", "codes": [5]},
                "tv.opt_a": {"dataset": "iro", "var": "opt_a", "codes": [1]}}
    return published, resolved


def test_rows_from_values_take_each_value_spec(frame):
    """``rows: values``: one row per published value, measured with its own spec, in the
    published order; a distribution's rows are additive, a multi-response set's are not."""
    published, resolved = _three_values()
    ctx = _context(frame, published, resolved)
    cells = tables.build("tv", {"rows": "values"}, ctx).set_index("row")
    assert list(cells.index) == ["often", "always", "opt_a"]
    assert cells["published_id"].tolist() == ["tv.often", "tv.always", "tv.opt_a"]
    assert cells.at["often", "value"] == 40 and cells.at["opt_a", "value"] == 75
    assert cells["row_label"].tolist() == ["Often", "Always", "A"]
    assert not cells["additive"].any()          # two variables: not one distribution
    one = published[published["id"] != "tv.opt_a"]
    cells = tables.build("tv", {"rows": "values"}, _context(frame, one, resolved))
    assert cells["additive"].all()              # disjoint codes of one variable, one base


def test_a_layout_defaults_to_its_value_block_and_must_agree_with_what_it_names(frame):
    published, resolved = _three_values()
    ctx = _context(frame, published, resolved)
    ctx.blocks = {"tv": {"dataset": "iro", "var": "freq"}}
    layout = {"rows": "codes desc", "values": {"5": "always", "4": "often"}, "partial": True}
    cells = tables.build("tv", layout, ctx).set_index("row")
    assert cells.at["5", "published_id"] == "tv.always" and cells.at["3", "value"] == 20
    # what the layout itself states is checked against the named value's spec
    wrong = {**layout, "values": {"5": "often", "4": "always"}, "var": "freq"}
    with pytest.raises(tables.LayoutError, match="names tv.often, but its codes"):
        tables.build("tv", wrong, ctx)
    twice = {**layout, "values": {"5": "always", "4": "always"}}
    with pytest.raises(tables.LayoutError, match="tv.always is named by cells 5/value and 4/value"):
        tables.build("tv", twice, ctx)
    stat = {"rows": [{"key": "m", "statistic": "mean"}], "values": {"m": "always"},
            "partial": True}
    with pytest.raises(tables.LayoutError, match="statistic is mean"):
        tables.build("tv", stat, ctx)


def test_value_rules_most_specific_first(frame):
    """``values``: ``row/column`` before ``row`` before ``*/column`` before ``*`` (any other
    order names a value twice or with the wrong codes); a template that names no published
    value leaves the cell as the layout measures it."""
    published = _published(*({"id": f"tr.{n}", "block": "tr", "statistic": "percent",
                              "label": n, "value": v}
                             for n, v in (("a4", 40.0), ("b4", 40.0), ("a5", 20.0), ("b5", 20.0))))
    resolved = {f"tr.{n}": {"dataset": "iro", "var": "freq", "codes": [int(n[1])]}
                for n in ("a4", "b4", "a5", "b5")}
    layout = {"dataset": "iro", "var": "freq",
              "rows": [{"key": "x", "codes": [4]}, {"key": "y", "codes": [5]}],
              "columns": [{"key": "p"}, {"key": "q"}],
              "values": {"*": "b5", "*/p": "a5", "x": "b4", "x/p": "a4"}}
    ctx = _context(frame, published, resolved)
    cells = tables.build("tr", layout, ctx)
    named = {(r.row, r.column): r.published_id for r in cells.itertuples()}
    assert named == {("x", "p"): "tr.a4", ("x", "q"): "tr.b4",
                     ("y", "p"): "tr.a5", ("y", "q"): "tr.b5"}
    layout = {**layout, "values": "{row}{column}", "partial": True}
    assert tables.build("tr", layout, ctx)["published_id"].isna().all()


def test_mean_and_count_cells(frame):
    published = _published(
        {"id": "tn.mean", "block": "tn", "statistic": "mean", "label": "Mean", "value": 3.4,
         "decimals": 1},
        {"id": "tn.n", "block": "tn", "statistic": "count", "label": "N", "value": 6.0})
    resolved = {"tn.mean": {"dataset": "iro", "var": "freq"}, "tn.n": {"dataset": "iro"}}
    layout = {"dataset": "iro", "var": "freq",
              "rows": [{"key": "mean", "statistic": "mean"}, {"key": "n", "statistic": "count"}],
              "values": "{row}"}
    cells = tables.build("tn", layout, _context(frame, published, resolved)).set_index("row")
    assert Fraction(cells.at["mean", "exact"]) == Fraction(17, 5)
    assert cells.at["mean", "status"] == "match" and cells.at["n", "status"] == "match"
    values = np.array([5, 4, 3, 1, 4.0])
    from statsmodels.stats.weightstats import DescrStatsW

    low, high = DescrStatsW(values).tconfint_mean()
    assert cells.at["mean", "ci_low"] == pytest.approx(low)
    assert cells.at["mean", "ci_high"] == pytest.approx(high)


@pytest.mark.parametrize(("count", "base"), [(0, 10), (3, 10), (10, 10), (74, 207), (1, 3)])
def test_wilson_interval_agrees_with_statsmodels(count, base):
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, base, alpha=0.05, method="wilson")
    assert wilson(count, base) == pytest.approx((100 * low, 100 * high), abs=1e-9)


def test_finite_population_correction_shrinks_the_interval():
    from statsmodels.stats.proportion import proportion_confint

    plain, corrected = wilson(88, 295), wilson(88, 295, population=1000)
    assert plain[0] < corrected[0] < 100 * 88 / 295 < corrected[1] < plain[1]
    # the corrected interval is Wilson's with the effective base n (N - 1) / (N - n)
    k = (1000 - 1) / (1000 - 295)
    low, high = proportion_confint(88 * k, 295 * k, alpha=0.05, method="wilson")
    assert corrected == pytest.approx((100 * low, 100 * high), abs=1e-9)
    assert wilson(30, 152, population=152) == (100 * 30 / 152, 100 * 30 / 152)   # a census
    assert mean_interval(5.0, 1.0, 60, 152)[1] - 5.0 < mean_interval(5.0, 1.0, 60)[1] - 5.0


def test_small_counts_are_suppressed_for_disclosure(frame):
    layout = {"dataset": "iro", "var": "freq", "rows": "codes"}
    cells = tables.build("tx", layout, _context(frame, _published(), {}))
    hidden = tables.suppress(cells, 5)
    # every count of this 5-answer distribution is 0, 1 or 2: nothing but the zeros is shown
    shown = hidden[hidden["suppression"] == ""]
    assert (shown["count"] == 0).all()
    assert hidden.loc[hidden["suppression"] != "", ["value", "display"]].isna().all().all()


def test_base_line_as_the_report_prints_it():
    cells = pd.DataFrame({"statistic": ["percent"] * 4, "dataset": ["iro", "iro", "dcs", "dcs"],
                          "base_n": [281, 287, 59, 60], "where": [""] * 4,
                          "column": ["a", "a", "b", "b"], "column_label": ["A", "A", "B", "B"]})
    units = {"iro": "IROs", "dcs": "DCSs"}
    assert tables.base_line(cells, {"units": units}) == "N=281-287 IROs; 59-60 DCSs"
    one = cells.iloc[:2]
    assert tables.base_line(one, {"units": units}) == "N=281-287 IROs"


# --------------------------------------------------------------------------- the repository's


@pytest.fixture(scope="module")
def resolved(published):
    return resolve(load_specs(ROOT / "specs" / "values.yaml"), published)


def test_tables_and_figures_carry_every_value_of_their_blocks(published, resolved):
    """Every value printed in a table or figure of chapters 1-6 has a cell in a layout."""
    carried = set()
    table_layouts = tables.load_layouts(TABLE_FILES, "tables")
    figure_layouts = tables.load_layouts(ROOT / "specs" / "figures.yaml", "figures")
    for lid, layout in {**table_layouts, **figure_layouts}.items():
        carried |= set(layout.get("blocks", [lid]))
    report_blocks = {b for b in published["block"].unique()
                     if b[0] in "tf" and b[1].isdigit()}           # t2_1 ... f6_3, not ta_*
    assert report_blocks <= carried, sorted(report_blocks - carried)
    assert {"text_2", "text_3", "text_4", "text_5", "text_6"} <= set(table_layouts)
    numbers = {b.split("_")[0] for b in published["block"] if b.startswith(("t", "f"))}
    assert {"t2", "t3", "t4", "t5", "t6", "f1", "f2", "f3", "f4", "f5", "f6"} <= numbers


def test_layouts_name_known_variables(codebook):
    """A layout's rows come from the codebook's scales (labels as the questionnaire's)."""
    layouts = tables.load_layouts(TABLE_FILES, "tables")
    assert layouts["t2_1"]["rows"] == "values"
    for lid, layout in layouts.items():
        for item in layout.get("rows") or []:
            if isinstance(item, dict) and "var" in item and layout.get("dataset"):
                names = {v["name"] for v in codebook["datasets"][layout["dataset"]]["variables"]}
                assert item["var"] in names, (lid, item["var"])
    assert not math.isnan(wilson(1, 2)[0])


def test_layouts_come_from_several_files_with_shared_units(tmp_path):
    """Each part of the report has its own layout file; the base lines' nouns are shared, and a
    table defined in two files is refused."""
    units = ROOT / "specs" / "units.yaml"
    layouts = tables.load_layouts(TABLE_FILES, "tables", units)
    assert len(TABLE_FILES) >= 7 and {"t2_1", "t6_2_cases", "text_es", "text_a"} <= set(layouts)
    assert layouts["t3_1"]["units"]["iro"] == "IROs"
    twice = tmp_path / "twice.yaml"
    twice.write_text("tables:\n  t2_1: {var: iro_time_in_la}\n")
    with pytest.raises(tables.LayoutError, match="t2_1 is defined in another file"):
        tables.load_layouts([*TABLE_FILES, twice], "tables", units)


def test_the_workbook_needs_every_table_csv(tmp_path, capsys):
    """The workbook is gathered from the tables' CSVs; a table not yet written is named."""
    from iro_stats.cli import main

    code = main(["workbook", "--tables-dir", str(tmp_path), "--layouts", *map(str, TABLE_FILES),
                 "--units", str(ROOT / "specs" / "units.yaml"),
                 "--published", str(ROOT / "data" / "reference" / "published.yaml"),
                 "--workbook", str(tmp_path / "tables.xlsx")])
    assert code == 1 and ".csv: not found (run the tables command" in capsys.readouterr().err
    assert not (tmp_path / "tables.xlsx").exists()


def test_on_synthetic_data_cells_no_published_value_checks_are_marked(frame):
    from iro_stats.render import table_html

    published = _published(
        {"id": "tx.always_often", "block": "tx", "statistic": "percent", "label": "Always/often",
         "value": 60.0, "base_n_min": 5, "base_n_max": 5})
    resolved = {"tx.always_often": {"dataset": "iro", "var": "freq", "codes": [4, 5]}}
    layout = {"source": "Table X.1", "title": "Test", "dataset": "iro", "var": "freq",
              "rows": "codes desc", "units": {"iro": "IROs"},
              "extra_rows": [{"key": "ao", "label": "Always or often", "codes": [4, 5]}],
              "values": {"ao": "always_often"}}
    cells = tables.build("tx", layout, _context(frame, published, resolved))
    marked = table_html.wide(cells, layout, synthetic=True).set_index(" ").iloc[:, 0]
    assert marked["Always or often"] == "60"                 # checked by the published 60%
    assert marked["Often"] == "40" + table_html.DOUBLE_DAGGER
    assert table_html.wide(cells, layout).set_index(" ").iloc[:, 0]["Often"] == "40"
    page = table_html.html("tx", layout, cells, "N=5 IROs", "synthetic")
    assert "Synthetic data" in page and "not published" in page
    assert "Synthetic data" not in table_html.html("tx", layout, cells, "N=5 IROs", "spss")
