"""The terminal summary of a run, on a comparison whose counts are known."""

from iro_stats.report.summary import terminal_summary


def test_the_summary_counts_the_verdicts_and_names_the_file_to_open(tmp_path):
    (tmp_path / "published_vs_reproduced.csv").write_text(
        "id,status,note\na,match,\nb,match,\nc,mismatch,report inconsistency: x\n"
        "d,mismatch,rounds to 3\ne,not_computable,free text\n", encoding="utf-8")
    lines = terminal_summary(tmp_path, "synthetic").splitlines()
    assert lines[0].startswith("iro-stats: 5 published values compared, on synthetic")
    assert lines[1] == ("  2 match, 2 do not (1 is the report's own inconsistencies, 1 need "
                        "explaining), 1 cannot be computed from any extract.")
    assert "reproduction_report.html" in lines[2]
    assert terminal_summary(tmp_path / "none", "spss") == ""
