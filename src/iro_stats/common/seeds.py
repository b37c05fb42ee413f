"""Random streams, one per named stage, all from one seed (``config.yaml``: ``seed``).

``stream(seed, "synth", "answers", "iro")`` is a generator of its own: a
``numpy.random.SeedSequence`` of the seed with the names as its spawn key, so that a stage that
draws more or fewer numbers leaves every other stage's draws unchanged, and a stage's draws do
not depend on the order in which the stages run.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _key(name: str | int) -> int:
    if isinstance(name, int):
        return name
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")


def sequence(seed: int, *names: str | int) -> np.random.SeedSequence:
    """The seed sequence of the stage ``names`` (a path of names or numbers) under ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=tuple(_key(n) for n in names))


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """The random generator of the stage ``names`` under ``seed``."""
    return np.random.default_rng(sequence(seed, *names))
