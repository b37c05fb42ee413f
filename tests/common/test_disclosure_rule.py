"""When disclosure control applies."""

from iro_stats.common.disclosure_rule import enabled


def test_enabled_for_real_data_and_on_request():
    assert enabled({"source": "spss"})
    assert not enabled({"source": "synthetic"})
    assert enabled({"source": "synthetic", "disclosure": {"apply": "always"}})
    assert enabled({"source": "spss", "disclosure": {"apply": "real"}})
    assert not enabled({"source": "synthetic", "disclosure": None})
