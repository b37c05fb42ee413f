"""When disclosure control applies: the one statement of the rule, read by the workflow and by
every command that publishes statistics (:mod:`iro_stats.stats.disclosure` does the control)."""


def enabled(config: dict) -> bool:
    """Whether outputs are suppressed: always for real extracts (``source: spss``), whatever the
    setting; for the synthetic default only when ``disclosure.apply`` is ``always``."""
    setting = (config.get("disclosure") or {}).get("apply", "real")
    return config.get("source") == "spss" or setting == "always"
