"""One random stream per named stage, all from the configured seed."""

from __future__ import annotations

import numpy as np

from iro_stats.common.seeds import sequence, stream
from iro_stats.stats.bootstrap import chunk_seed


def test_a_stage_draws_the_same_whatever_the_others_draw():
    alone = stream(7, "synth", "answers", "iro").random(5)
    other = stream(7, "synth", "la_plan")
    other.random(1000)                                    # another stage draws more
    again = stream(7, "synth", "answers", "iro").random(5)
    assert np.array_equal(alone, again)


def test_stages_and_seeds_give_different_streams():
    draws = {(seed, names): stream(seed, *names).integers(0, 2**62)
             for seed in (1, 2) for names in (("a",), ("b",), ("a", "b"), ("a", 0), ("a", 1))}
    assert len(set(draws.values())) == len(draws)
    assert sequence(1, "a").spawn_key != sequence(1, "b").spawn_key


def test_bootstrap_chunks_and_models_are_seeded_apart_from_one_tree():
    seeds = {chunk_seed(20120401, chunk, model) for chunk in range(4) for model in range(4)}
    assert len(seeds) == 16
    assert chunk_seed(20120401, 0, 0) == chunk_seed(20120401, 0, 0)
    assert chunk_seed(20120401, 0, 0) != chunk_seed(20120402, 0, 0)
