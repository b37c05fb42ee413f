#!/usr/bin/env python3
"""The two commands of the README's quick start, for a machine with only Python 3.11+ and pip.

    python3 tasks.py run     install into .venv, then run the whole workflow (synthetic data)
    python3 tasks.py test    install into .venv (with the test tools), then run the test suite

Arguments after the command go to Snakemake or pytest, e.g.
``python3 tasks.py run --config results=results_b`` or ``python3 tasks.py test -k reference``.
The install step is skipped while pyproject.toml is unchanged. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("IRO_STATS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def _run(*command: str | Path) -> int:
    return subprocess.call([str(c) for c in command], cwd=ROOT)


def install(extra: str) -> None:
    """Create .venv if needed and install the package (editable) with ``extra``."""
    if sys.version_info < (3, 11):
        sys.exit(f"iro-stats needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        _say(f"creating virtual environment {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # e.g. Debian without python3-venv
            sys.exit(f"could not create {VENV} ({exc}); install the venv module "
                     "(Debian/Ubuntu: apt-get install python3-venv) and retry")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()
    stamp = VENV / ".iro-stats-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    _say(f"installing iro-stats[{extra}] into {VENV} (first run takes a few minutes)")
    code = _run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                "--editable", f".[{extra}]")
    if code:
        sys.exit(code)
    stamp.write_text(digest)


# Snakemake's per-job lines, left out of the terminal by default (each job's own log is in
# results/logs/); errors, warnings and the closing summary still show.
CHATTER = ("Select jobs to execute...", "Execute ")
OWN_VERBOSITY = ("-n", "--dry-run", "-q", "--quiet", "--verbose", "-p", "--printshellcmds",
                 "--summary", "--detailed-summary", "--list-rules", "--dag", "--rulegraph")


def run(args: list[str]) -> int:
    """Run the whole workflow, quietly (the jobs' logs are in results/logs/) unless the
    arguments ask for more; extra arguments go to Snakemake."""
    install("test")
    cores = os.environ.get("IRO_STATS_CORES", "all")
    command = [str(BIN / "snakemake"), "--cores", cores, *args]
    if any(a.split("=")[0] in OWN_VERBOSITY for a in args):
        return _run(*command)
    command += ["--quiet", "rules", "progress", "host", "reason"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as process:
        for line in process.stdout:
            if not line.startswith(CHATTER):
                print(line, end="", flush=True)
    return process.returncode


def test(args: list[str]) -> int:
    """Run the test suite, in parallel (pytest-xdist: one worker per core, the tests of one
    expensive fixture together on one worker, in the order tests/conftest.py gives them); extra
    arguments go to pytest (``-n 0``: serial)."""
    install("test")
    workers = os.environ.get("IRO_STATS_CORES", "all")
    workers = str(os.cpu_count() or 1) if workers == "all" else workers
    parallel = [] if any(a.startswith(("-n", "--numprocesses")) for a in args) else [
        "-n", workers, "--dist", "loadgroup", "--no-loadscope-reorder"]
    return _run(PYTHON, "-m", "pytest", *parallel, *args)


def main() -> int:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
