"""iro-stats: a reproducible pipeline for the 2012 national survey of IROs in England.

Layers, one folder each, imports pointing only down: ``cli`` (one command per workflow rule) ->
``synth`` (the synthetic extracts; nothing below imports it) -> ``report`` -> ``render`` ->
``stats`` -> ``dataset`` -> ``read`` -> ``reference`` -> ``common`` (tests/test_layers.py).
"""

__version__ = "0.1.0"
