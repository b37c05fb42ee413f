"""Benchmark of the iro-stats workflow (issue 8): one command, results as JSON.

    .venv/bin/python benchmarks/run.py [--cores 2] [--scales 1 10 100] [--repeats 5]

1. cold run of the whole workflow from an empty results folder (wall time; per rule from
   Snakemake's benchmark files);
2. rerun with nothing changed;
3. one table spec changed (a comment added to specs/tables/chapter3.yaml, then removed): which
   rules rerun, and the time;
4. the statistics core against GNU PSPP on the same .sav files, whole processes alternating A/B,
   median ratio; and the core's computation alone, in-process after imports;
5. the core at synthetic scale 1, 10, 100: time and peak memory.

Writes results/benchmarks/benchmark.json (and prints it) and the table of README.md's
"Performance" section (between its benchmark markers). Timings are measurements of this
machine at this moment: nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# The statistics core as a whole process: validated extracts -> analysis frames -> every
# published value measured (the tables' engine) and the four models fitted.
CORE = r"""
import sys, time, json, resource
t0 = time.perf_counter()
from iro_stats.reference import model_spec
from iro_stats.dataset import analysis
from iro_stats.read import ingest
from iro_stats.reference import loaders
from iro_stats.stats import measures, models
from iro_stats.reference.specs import load_specs
from iro_stats.stats.reproduce import reproduce
t1 = time.perf_counter()
indir, root = sys.argv[1], sys.argv[2]
published = loaders.load_published(f"{root}/data/reference/published.yaml")
specs = load_specs(f"{root}/specs/values.yaml")
resolved = measures.resolve(specs, published)
la_frame = loaders.load_la_frame(f"{root}/data/reference/local_authorities_england_2012.csv")
missing = loaders.missing_codes(loaders.load_codebook(f"{root}/data/reference/codebook.yaml"))
spec = model_spec.load_spec(f"{root}/specs/models.yaml")
raw = ingest.read_frames(indir)
t2 = time.perf_counter()
frames = analysis.analysis_frames(raw, specs["derived"], la_frame, missing)
table = reproduce(frames, resolved, published, specs["pending"])
results = models.fit_models(frames["iro"], spec)
t3 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "io_s": t2 - t1, "compute_s": t3 - t2,
                  "values": int(table["status"].eq("match").sum()),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    return time.perf_counter() - start, done


def snakemake(results: Path, cores: int, *extra: str) -> tuple[float, subprocess.CompletedProcess]:
    return run([PYTHON, "-m", "snakemake", "--cores", str(cores), "--config",
                f"results={results}", *extra], cwd=ROOT)


def jobs_run(stdout: str) -> dict[str, int]:
    """Rules and job counts from Snakemake's 'Job stats' table."""
    counts = {}
    for line in stdout.splitlines():
        parts = line.split()
        if (len(parts) == 2 and parts[1].isdigit() and parts[0].isidentifier()
                and parts[0] not in ("total", "job")):
            counts[parts[0]] = int(parts[1])
    return counts


def per_rule(results: Path) -> dict[str, float]:
    out = {}
    for tsv in sorted((results / "benchmarks" / "rules").glob("*.tsv")):
        lines = tsv.read_text().splitlines()
        if len(lines) >= 2:
            out[tsv.stem] = float(lines[1].split("\t")[0])
    return out


def core(indir: Path) -> dict:
    elapsed, done = run([PYTHON, "-c", CORE, str(indir), str(ROOT)])
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return {"wall_s": elapsed, **json.loads(done.stdout.strip().splitlines()[-1])}


def pspp_available() -> str | None:
    return shutil.which("pspp")


def peer(results: Path, repeats: int) -> dict:
    """Core vs PSPP running the exported syntax on the same .sav files, alternating A/B: one PSPP
    process runs the descriptive tables (tables.sps, opening <dataset>.sav) and the Appendix B
    models (appendix_b.sps, opening iro_models.sav), from results/spss where they all are."""
    pspp = pspp_available()
    if not pspp:
        return {"skipped": "GNU PSPP is not installed (apt-get install -y pspp)"}
    folder = results / "spss"
    syntax = ["tables.sps", "appendix_b.sps"]
    work = Path(tempfile.mkdtemp())
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    command = [pspp, "-o", str(work / "out.csv"), "-O", "format=csv", *syntax]
    a, b, inside = [], [], []
    for _ in range(repeats):
        inside.append(core(results / "data"))
        a.append(inside[-1]["wall_s"])
        elapsed, done = run(command, env=env, cwd=folder)
        output = (work / "out.csv").read_text(encoding="utf-8") if not done.returncode else ""
        problems = [line for line in (done.stdout + done.stderr + output).splitlines()
                    if "error:" in line.lower()]
        if done.returncode or problems:
            raise RuntimeError(f"pspp failed: {(done.stdout + done.stderr)[-1000:]}{problems[:5]}")
        b.append(elapsed)
    shutil.rmtree(work, ignore_errors=True)
    part = {key: statistics.median(run[key] for run in inside)
            for key in ("compute_s", "imports_s", "io_s")}
    return {"core_wall_s": statistics.median(a), "pspp_wall_s": statistics.median(b),
            "ratio_core_over_pspp": statistics.median(a) / statistics.median(b),
            "core_compute_s": part["compute_s"], "core_imports_s": part["imports_s"],
            "core_io_s": part["io_s"],
            "ratio_core_compute_over_pspp": part["compute_s"] / statistics.median(b),
            "repeats": repeats, "core_compute_runs_s": [run["compute_s"] for run in inside],
            "core_runs_s": a, "pspp_runs_s": b,
            "pspp_scope": "tables.sps (every descriptive value: FREQUENCIES, DESCRIPTIVES, "
                          "CORRELATIONS, AGGREGATE) and appendix_b.sps (the four models' "
                          "REGRESSIONs), one process",
            "pspp_tables": output.count("Table: ")}


def scales(results: Path, ks: list[int]) -> list[dict]:
    """The core on k-times larger surveys (same distributions)."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "src"))
    from iro_stats.read.ingest import read_frames
    from iro_stats.synth.scale import scale_frames

    base = read_frames(results / "data")
    out = []
    for k in ks:
        folder = Path(tempfile.mkdtemp())
        for name, frame in scale_frames(base, k).items():
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        rows = sum(len(pd.read_parquet(folder / f"{n}.parquet")) for n in ("iro", "manager", "dcs"))
        out.append({"scale": k, "respondents": rows, **core(folder)})
        shutil.rmtree(folder)
    return out


README = ROOT / "README.md"
MARKERS = ("<!-- benchmark:start -->", "<!-- benchmark:end -->")


def readme_table(report: dict) -> str:
    """The README's benchmark table from a report."""
    cold, peer_ = report["cold"], report["peer_pspp"]
    slowest = sorted(cold["per_rule_s"].items(), key=lambda kv: -kv[1])[:3]
    slow = ", ".join(f"{k} {v:.1f} s" for k, v in slowest)
    changed = report["one_spec_changed"]
    reran = ", ".join(f"{k} x{v}" for k, v in changed["rules_rerun"].items())
    rows = [("cold run, whole workflow incl. notebooks",
             f"{cold['wall_s']:.1f} s (slowest rules: {slow})"),
            ("rerun, nothing changed", f"{report['rerun_nothing_changed']['wall_s']:.1f} s"),
            (f"one table spec changed ({changed['spec']})", f"{changed['wall_s']:.1f} s; reran {reran}")]
    if "skipped" in peer_:
        rows.append(("core vs GNU PSPP", peer_["skipped"]))
    else:
        split = (f"{peer_['core_imports_s']:.2f} / {peer_['core_io_s']:.2f} / "
                 f"{peer_['core_compute_s']:.2f} s")
        rows += [("core, whole process (median)", f"{peer_['core_wall_s']:.2f} s"),
                 ("GNU PSPP, whole process (median)", f"{peer_['pspp_wall_s']:.2f} s"),
                 ("ratio core / PSPP", f"{peer_['ratio_core_over_pspp']:.1f}"),
                 ("core: imports / I/O / computation", split),
                 ("core's computation / PSPP's whole run (medians)",
                  f"{peer_['ratio_core_compute_over_pspp']:.2f}")]
    for item in report["scale"]:
        result = (f"{item['wall_s']:.1f} s whole process, {item['compute_s']:.2f} s "
                  f"computation, peak {item['peak_rss_mb']:.0f} MB")
        rows.append((f"core at scale {item['scale']} ({item['respondents']} respondents)", result))
    machine = report["machine"]
    lines = [(f"Measured {report['date']} on {machine['cpus']} CPUs (Python {machine['python']}), "
              f"`--cores {report['cores']}`:"), "", "| measure | result |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def write_readme(report: dict) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = MARKERS
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        README.write_text(f"{head}{start}\n{readme_table(report)}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "results" / "benchmarks" / "benchmark.json"))
    args = parser.parse_args()

    results = Path(tempfile.mkdtemp(prefix="iro_bench_")) / "results"
    report: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                "platform": platform.platform()}, "cores": args.cores,
                    "date": time.strftime("%Y-%m-%d")}
    elapsed, done = snakemake(results, args.cores)
    if done.returncode:
        sys.exit(f"cold run failed:\n{done.stderr[-3000:]}")
    report["cold"] = {"wall_s": elapsed, "per_rule_s": per_rule(results)}
    elapsed, done = snakemake(results, args.cores)
    report["rerun_nothing_changed"] = {"wall_s": elapsed, "jobs": jobs_run(done.stdout + done.stderr)}
    spec = ROOT / "specs" / "tables" / "chapter3.yaml"
    original = spec.read_text()
    try:   # a real edit (Snakemake ignores a touch whose content is unchanged)
        spec.write_text(original + "\n# benchmark: one spec changed\n")
        elapsed, done = snakemake(results, args.cores)
    finally:
        spec.write_text(original)
    report["one_spec_changed"] = {"spec": str(spec.relative_to(ROOT)), "wall_s": elapsed,
                                  "rules_rerun": jobs_run(done.stdout + done.stderr)}
    report["peer_pspp"] = peer(results, args.repeats)
    report["scale"] = scales(results, args.scales)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    write_readme(report)
    print(json.dumps(report, indent=2))
    shutil.rmtree(results.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
