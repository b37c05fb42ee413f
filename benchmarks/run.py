"""Benchmark of the iro-stats workflow: one command, results as JSON and README's table.

    .venv/bin/python benchmarks/run.py [--cores 2] [--repeats 5] [--scales 1 10 100]

Everything runs in a scratch copy of the checkout (no results/, figures or .snakemake/ of its
own), so the checkout is never touched and each cold run is really cold. Each measure is repeated
``--repeats`` times and reported as median and range:

1. cold run of the whole workflow (results, figures and Snakemake's metadata cleared before each
   run; per-rule times from Snakemake's benchmark files of the median run);
2. rerun with nothing changed;
3. one table layout edited (a different comment appended to specs/tables/chapter3.yaml each
   time): the time, and which rules reran;
4. the statistics core against GNU PSPP on the same data, alternating A/B, ratios taken pair by
   pair: both start from the analysis frames (the core from its parquet files, PSPP from the same
   frames as .sav, results/spss/), neither reads the raw extracts nor builds the LA join; the core
   measures every published value and fits the four models, PSPP runs tables.sps and
   appendix_b.sps. Whole processes, and in-process work: the core's after its imports, PSPP's as
   its whole run minus the run of an empty syntax file (its start-up);
5. the core at synthetic scale 1, 10, 100 from the validated extracts (analysis frames built too):
   time and peak memory.

Writes results/benchmarks/benchmark.json of the checkout (and prints it) and the table of
README.md's "Performance" section (between its benchmark markers). Timings are measurements of
this machine at this moment: nothing here is asserted by the test suite.
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

# The statistics core as a whole process. Mode "frames": from the analysis frames, every
# published value measured and the four models fitted (PSPP's work). Mode "extracts": from the
# validated extracts, the analysis frames built first (the scale benchmark).
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
mode, indir, root = sys.argv[1], sys.argv[2], sys.argv[3]
published = loaders.load_published(f"{root}/data/reference/published.yaml")
specs = load_specs(f"{root}/specs/values.yaml")
resolved = measures.resolve(specs, published)
spec = model_spec.load_spec(f"{root}/specs/models.yaml")
if mode == "frames":
    frames = analysis.read_analysis_frames(indir)
else:
    la_frame = loaders.load_la_frame(f"{root}/data/reference/local_authorities_england_2012.csv")
    missing = loaders.missing_codes(loaders.load_codebook(f"{root}/data/reference/codebook.yaml"))
    raw = ingest.read_frames(indir)
t2 = time.perf_counter()
if mode != "frames":
    frames = analysis.analysis_frames(raw, specs["derived"], la_frame, missing)
table = reproduce(frames, resolved, published, specs["pending"])
results = models.fit_models(frames["iro"], spec)
t3 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "io_s": t2 - t1, "compute_s": t3 - t2,
                  "values": int(table["status"].eq("match").sum()),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SCRATCH_SKIP = shutil.ignore_patterns(".git", ".venv", "results", ".snakemake", "__pycache__",
                                      ".pytest_cache", ".hypothesis", "*.egg-info", "raw")


def run(cmd: list, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False,
                          **kwargs)
    return time.perf_counter() - start, done


def spread(values: list[float]) -> dict:
    """Median and range of repeated measurements (seconds or ratios)."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "runs": values}


def scratch_project(folder: Path) -> Path:
    """A copy of the checkout without its outputs, metadata or environment."""
    project = folder / "project"
    shutil.copytree(ROOT, project, ignore=SCRATCH_SKIP)
    for output in (project / "figures").glob("*.*"):
        if output.name != "README.md":
            output.unlink()
    return project


def clear(project: Path) -> None:
    """Results, figures and Snakemake's metadata removed: the next run is cold."""
    shutil.rmtree(project / "results", ignore_errors=True)
    shutil.rmtree(project / ".snakemake", ignore_errors=True)
    for output in (project / "figures").glob("*.*"):
        if output.name != "README.md":
            output.unlink()


def snakemake(project: Path, cores: int, *extra: str) -> tuple[float, subprocess.CompletedProcess]:
    elapsed, done = run([PYTHON, "-m", "snakemake", "--cores", cores, *extra], cwd=project,
                        env={**os.environ, "PYTHONPATH": str(project / "src")})
    if done.returncode:
        sys.exit(f"snakemake {' '.join(extra)} failed:\n{done.stderr[-3000:]}")
    return elapsed, done


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


def workflow(project: Path, cores: int, repeats: int) -> dict:
    """Cold runs, reruns with nothing changed and one layout edited, each ``repeats`` times."""
    cold, rules = [], []
    for _ in range(repeats):
        clear(project)
        elapsed, _ = snakemake(project, cores)
        cold.append(elapsed)
        rules.append(per_rule(project / "results"))
    median_run = sorted(range(repeats), key=lambda i: cold[i])[repeats // 2]
    noop = [snakemake(project, cores)[0] for _ in range(repeats)]
    spec = project / "specs" / "tables" / "chapter3.yaml"
    original, edits, reran = spec.read_text(), [], {}
    for i in range(repeats):   # a real edit each time (Snakemake reruns on changed content)
        spec.write_text(f"{original}\n# benchmark: edit {i}\n")
        elapsed, done = snakemake(project, cores)
        edits.append(elapsed)
        reran = jobs_run(done.stdout + done.stderr)
    spec.write_text(original)
    snakemake(project, cores)
    return {"cold_s": spread(cold), "per_rule_s": rules[median_run],
            "rerun_nothing_changed_s": spread(noop),
            "one_layout_edited": {"spec": str(spec.relative_to(project)), "wall_s": spread(edits),
                                  "rules_rerun": reran}}


def core(mode: str, indir: Path) -> dict:
    elapsed, done = run([PYTHON, "-c", CORE, mode, indir, ROOT])
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return {"wall_s": elapsed, **json.loads(done.stdout.strip().splitlines()[-1])}


def pspp_run(pspp: str, folder: Path, syntax: list[str], work: Path) -> float:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    elapsed, done = run([pspp, "-o", work / "out.csv", "-O", "format=csv", *syntax], env=env,
                        cwd=folder)
    output = (work / "out.csv").read_text(encoding="utf-8") if not done.returncode else ""
    problems = [line for line in (done.stdout + done.stderr + output).splitlines()
                if "error:" in line.lower()]
    if done.returncode or problems:
        raise RuntimeError(f"pspp failed: {(done.stdout + done.stderr)[-1000:]}{problems[:5]}")
    return elapsed


def peer(results: Path, repeats: int) -> dict:
    """Core vs PSPP on the analysis frames, alternating, ratios pair by pair (module docstring)."""
    pspp = shutil.which("pspp")
    if not pspp:
        return {"skipped": "GNU PSPP is not installed (apt-get install -y pspp)"}
    folder, work = results / "spss", Path(tempfile.mkdtemp())
    (work / "empty.sps").write_text("SHOW N.\n")
    pairs = []
    for _ in range(repeats):
        inside = core("frames", results / "data" / "analysis")
        whole = pspp_run(pspp, folder, ["tables.sps", "appendix_b.sps"], work)
        start = pspp_run(pspp, folder, [work / "empty.sps"], work)
        pairs.append({"core_wall_s": inside["wall_s"], "core_compute_s": inside["compute_s"],
                      "core_imports_s": inside["imports_s"], "core_io_s": inside["io_s"],
                      "pspp_wall_s": whole, "pspp_startup_s": start,
                      "pspp_work_s": max(whole - start, 1e-3)})
    shutil.rmtree(work, ignore_errors=True)
    return {
        **{key: spread([p[key] for p in pairs]) for key in pairs[0]},
        "ratio_whole_process": spread([p["core_wall_s"] / p["pspp_wall_s"] for p in pairs]),
        "ratio_in_process": spread([p["core_compute_s"] / p["pspp_work_s"] for p in pairs]),
        "scope": "both from the analysis frames (core: parquet; PSPP: the same frames as .sav "
                 "in results/spss/): every descriptive value of specs/values.yaml "
                 "(tables.sps: FREQUENCIES, DESCRIPTIVES, CORRELATIONS, AGGREGATE) and the four "
                 "models (appendix_b.sps: REGRESSION); neither builds the LA join or the derived "
                 "variables (the core's analysis rule does, before)"}


def scales(results: Path, ks: list[int]) -> list[dict]:
    """The core on k-times larger surveys (same distributions), from the validated extracts."""
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
        out.append({"scale": k, "respondents": rows, **core("extracts", folder)})
        shutil.rmtree(folder)
    return out


README = ROOT / "README.md"
MARKERS = ("<!-- benchmark:start -->", "<!-- benchmark:end -->")


def _s(m: dict, digits: int = 1) -> str:
    return f"{m['median']:.{digits}f} s ({m['min']:.{digits}f}-{m['max']:.{digits}f})"


def readme_table(report: dict) -> str:
    """The README's benchmark table from a report."""
    flow, peer_ = report["workflow"], report["peer_pspp"]
    slowest = sorted(flow["per_rule_s"].items(), key=lambda kv: -kv[1])[:3]
    slow = ", ".join(f"{k} {v:.1f} s" for k, v in slowest)
    edited = flow["one_layout_edited"]
    reran = ", ".join(f"{k} x{v}" for k, v in edited["rules_rerun"].items() if k != "all")
    rows = [("cold run, whole workflow incl. notebooks", f"{_s(flow['cold_s'])}; slowest rules "
             f"of the median run: {slow}"),
            ("rerun, nothing changed", _s(flow["rerun_nothing_changed_s"])),
            (f"one table layout edited ({edited['spec']})",
             f"{_s(edited['wall_s'])}; reran {reran}")]
    if "skipped" in peer_:
        rows.append(("core vs GNU PSPP", peer_["skipped"]))
    else:
        rows += [("core, whole process, from the analysis frames", _s(peer_["core_wall_s"], 2)),
                 ("GNU PSPP, whole process, from the same frames as .sav",
                  _s(peer_["pspp_wall_s"], 2)),
                 ("ratio core / PSPP, whole process (pair by pair)",
                  f"{peer_['ratio_whole_process']['median']:.1f} "
                  f"({peer_['ratio_whole_process']['min']:.1f}-"
                  f"{peer_['ratio_whole_process']['max']:.1f})"),
                 ("core in process: imports / reading / computation",
                  f"{peer_['core_imports_s']['median']:.2f} / {peer_['core_io_s']['median']:.2f}"
                  f" / {peer_['core_compute_s']['median']:.2f} s"),
                 ("PSPP in process: whole run minus its start-up (empty syntax)",
                  _s(peer_["pspp_work_s"], 2)),
                 ("ratio core / PSPP, in process (pair by pair)",
                  f"{peer_['ratio_in_process']['median']:.2f} "
                  f"({peer_['ratio_in_process']['min']:.2f}-"
                  f"{peer_['ratio_in_process']['max']:.2f})")]
    for item in report["scale"]:
        result = (f"{item['wall_s']:.1f} s whole process, {item['compute_s']:.2f} s "
                  f"computation, peak {item['peak_rss_mb']:.0f} MB (one run)")
        rows.append((f"core at scale {item['scale']} ({item['respondents']} respondents, "
                     "analysis frames built)", result))
    machine = report["machine"]
    lines = [(f"Measured {report['date']} on {machine['cpus']} CPUs (Python {machine['python']}), "
              f"`--cores {report['cores']}`; times are medians of {report['repeats']} runs "
              "(range in brackets) unless the row says otherwise:"),
             "", "| measure | result |", "|---|---|"]
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

    folder = Path(tempfile.mkdtemp(prefix="iro_bench_"))
    project = scratch_project(folder)
    report: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                "platform": platform.platform()}, "cores": args.cores,
                    "repeats": args.repeats, "date": time.strftime("%Y-%m-%d")}
    report["workflow"] = workflow(project, args.cores, args.repeats)
    report["peer_pspp"] = peer(project / "results", args.repeats)
    report["scale"] = scales(project / "results", args.scales)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    write_readme(report)
    print(json.dumps(report, indent=2))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
