"""The property-based tests under many random seeds, and the test command several times over.

    .venv/bin/python benchmarks/property_seeds.py [--seeds 200] [--examples 100] [--jobs 2]
    .venv/bin/python benchmarks/property_seeds.py --suite 5

``--seeds N``: every test that uses Hypothesis (``tests/test_rounding.py``,
``tests/test_validate_properties.py``) runs N times, each in its own pytest process with
``HYPOTHESIS_PROFILE=explore`` (new examples, not the derandomized default of the test command)
and ``--hypothesis-seed`` 1..N, ``--examples`` examples a test (a test's own ``max_examples``
wins). ``--suite K``: ``python3 tasks.py test`` K times in a row. Prints one line per run and a
summary; exits non-zero if any run failed. Not part of the test suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROPERTY_TESTS = ["tests/test_rounding.py", "tests/test_validate_properties.py"]


def _one_seed(seed: int, examples: int) -> tuple[int, bool, float, str]:
    env = dict(os.environ, HYPOTHESIS_PROFILE="explore", HYPOTHESIS_MAX_EXAMPLES=str(examples))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", f"--hypothesis-seed={seed}", *PROPERTY_TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return seed, done.returncode == 0, time.perf_counter() - start, last


def seeds(count: int, examples: int, jobs: int) -> bool:
    failed = []
    with ThreadPoolExecutor(jobs) as pool:
        for seed, ok, seconds, last in pool.map(lambda s: _one_seed(s, examples),
                                                range(1, count + 1)):
            print(f"seed {seed:4d}: {'ok  ' if ok else 'FAIL'} {seconds:5.1f} s  {last}",
                  flush=True)
            if not ok:
                failed.append(seed)
    print(f"{count - len(failed)} of {count} seeds passed ({examples} examples a test)"
          + (f"; failed: {failed}" if failed else ""))
    return not failed


def suite(times: int) -> bool:
    results = []
    for run in range(1, times + 1):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "tasks.py", "test", "-q", "-p", "no:cacheprovider"],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        last = (done.stdout.strip().splitlines() or [""])[-1]
        results.append((done.returncode == 0, seconds))
        print(f"run {run}: {'ok  ' if done.returncode == 0 else 'FAIL'} {seconds:6.1f} s  {last}",
              flush=True)
    passed = sum(ok for ok, _ in results)
    print(f"{passed} of {times} runs of the test command passed")
    return passed == times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=0)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--suite", type=int, default=0)
    args = parser.parse_args()
    ok = True
    if args.seeds:
        ok &= seeds(args.seeds, args.examples, args.jobs)
    if args.suite:
        ok &= suite(args.suite)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
