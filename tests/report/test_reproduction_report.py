"""The reproduction report's parts on small cases whose answer is known: the lines a spec is
found on, the reasons in words, the figures' marks."""

from __future__ import annotations

import pandas as pd

from iro_stats.report.comparison import _reason
from iro_stats.report.html import chapter, figure_svg, searchable
from iro_stats.report.locate import key_lines


def test_key_lines_are_the_lines_of_the_keys(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("# a comment\nblocks:\n  t3_2:\n    values:\n      meet_child: {var: x}\n"
                    "list:\n  - id: first\n    values:\n      - id: inner\n  - id: second\n")
    lines = key_lines(path)
    assert lines[("blocks",)] == 2 and lines[("blocks", "t3_2")] == 3
    assert lines[("blocks", "t3_2", "values", "meet_child")] == 5
    assert lines[("list", "first")] == 7 and lines[("list", "second")] == 10
    assert lines[("list", "first", "values", "inner")] == 9


def _row(**fields):
    base = {"decimals": 0, "statistic": "percent", "value": 68.0, "reproduced": 67.9,
            "base_n_reproduced": 292, "base_n_min": 281, "base_n_max": 287, "words_min": None,
            "words_max": None, "quote": "", "block": "t3_2"}
    return pd.Series({**base, **fields})


def test_reasons_say_what_was_judged():
    assert _reason(_row(base_n_min=292, base_n_max=292), "match") == (
        "67.9 rounds to the printed 68; base 292 as printed; valid percent of 292 answers")
    assert "base 292 outside the printed N=281-287" in _reason(_row(), "mismatch")
    assert _reason(_row(reproduced=66.4), "mismatch").startswith(
        "66.4 does not round to the printed 68")
    words = _row(words_min=90.0, words_max=100.0, quote="over 90%", reproduced=93.84)
    assert _reason(words, "match").startswith('93.8 is within the 90-100 that the words admit '
                                              '("over 90%")')
    assert _reason(_row(statistic="count", value=25.0, reproduced=24.0), "mismatch") == (
        "counted 24, printed 25")


def test_chapters_of_sections():
    assert [chapter(s) for s in ("foreword", "summary", "3.5.1", "6", "A.2", "B")] == [
        "Foreword", "Executive summary", "Chapter 3", "Chapter 6", "Appendix A", "Appendix B"]


def test_a_figure_marks_the_printed_values_on_the_reproduced_bars():
    cells = pd.DataFrame({
        "plotted": [True, True, False], "row_label": ["Never", "Often", "Rarely or never"],
        "column_label": ["IROs"] * 3, "statistic": ["percent"] * 3,
        "value": [10.0, 60.0, 12.0], "published_id": [None, "f.often", "f.rn"],
        "published_value": [None, 60.0, 13.0]})
    svg = figure_svg(cells, {"f.often": "match", "f.rn": "mismatch"})
    assert svg.count("<rect") == 3 and svg.count('class="printed"') == 2
    assert 'class="bar-unchecked"' in svg and 'class="bar-mismatch"' in svg
    assert "60.0 (printed 60)" in svg and "12.0 (printed 13)" in svg


def test_the_finder_splits_words_as_a_reader_types_them():
    assert searchable("t3_2.meet_child Table 3.2 (19%) Model B: over 90%.") == (
        "t3 2 meet child table 3.2 19 model b over 90")
