"""The project's own error type: a data or configuration problem a user can fix.

The command line prints these as a message (no traceback) and exits non-zero.
"""


class IroStatsError(Exception):
    """A problem with an input (file, variable, rows) that stops the run, with what to do."""


class ReferenceDataError(IroStatsError):
    """The reference files (published values, codebook, LA frame) are malformed or inconsistent."""


class ExtractError(IroStatsError):
    """An extract, mapping or source configuration that cannot be used."""
