"""iro-stats: a reproducible pipeline for the 2012 national survey of IROs in England.

Layers, one way: ``reference`` (the report's numbers and the codebook) -> read (extracts) ->
dataset -> statistics -> render -> report.
"""

__version__ = "0.1.0"
