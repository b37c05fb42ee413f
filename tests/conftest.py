"""Shared fixtures: the repository's reference files and the report's text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parents[1]

# Property-based tests: derandomized by default (the test command never fails by chance, and
# keeps no example database in the checkout); HYPOTHESIS_PROFILE=explore draws new examples
# (HYPOTHESIS_MAX_EXAMPLES of them, default 100) and remembers failures outside the checkout.
# benchmarks/property_seeds.py runs the property tests under many random seeds.
settings.register_profile("derandomized", derandomize=True, database=None, max_examples=100,
                          deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile(
    "explore", parent=settings.get_profile("derandomized"), derandomize=False,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "100")),
    database=DirectoryBasedExampleDatabase(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "iro-stats-hypothesis"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))

# the models spec the workflow passes to the generator (config.yaml: models), and its seed
MODELS = ROOT / "specs" / "models.yaml"
# the report's statements in words, which the generator honours (config.yaml: reference)
STATEMENTS = ROOT / "data" / "reference" / "statements.yaml"
SEED = int(re.search(r"^seed: (\d+)", (ROOT / "config.yaml").read_text(), re.M).group(1))
REFERENCE = ROOT / "data" / "reference"
REPORT = ROOT.parent / "shared" / "seeds" / "002_6fd05cb1eef49808.txt"


def _scale(codebook, var):
    labels = var.get("values")
    return codebook["scales"][labels] if isinstance(labels, str) else labels


# small_frame's frames: (codebook, LA frame, dataset, n, seed) -> frame; the codebook and the LA
# frame are kept with it, so that no other object can take their ids.
_SMALL_FRAMES: dict[tuple, tuple] = {}


def small_frame(codebook, la_frame, dataset, n=6, seed=1):
    """A valid extract of ``n`` rows built from the codebook: every variable present, codes from
    its labels, routed-out items -98 where the routing condition fails (built once for the same
    arguments, a copy each call: the tests corrupt it)."""
    key = (id(codebook), id(la_frame), dataset, n, seed)
    if key not in _SMALL_FRAMES:
        _SMALL_FRAMES[key] = (codebook, la_frame, _small_frame(codebook, la_frame, dataset, n,
                                                                seed))
    return _SMALL_FRAMES[key][2].copy()


def _small_frame(codebook, la_frame, dataset, n, seed):
    from iro_stats.stats.where import parse, variables

    spec = codebook["datasets"][dataset]
    codes = list(la_frame["la_code"])
    if dataset == "la_attributes":
        n = len(codes)
    rng = np.random.default_rng(seed)
    frame = {}
    for var in spec["variables"]:
        name, kind = var["name"], var["kind"]
        if kind == "id":
            frame[name] = [f"X{i:03d}" for i in range(n)]
        elif kind == "la":
            frame[name] = codes[:n]
        elif kind == "text":
            frame[name] = [""] * n
        elif kind in ("count", "continuous"):
            low, high = var.get("range", (0, 50))
            frame[name] = rng.integers(int(low), int(high) + 1, n).astype(float)
        else:
            frame[name] = rng.choice([float(c) for c in _scale(codebook, var)], n)
    out = pd.DataFrame(frame)
    for var in spec["variables"]:
        if var.get("routing") and var["kind"] not in ("text",):
            # pandas' eval over the variables the condition reads: over the whole frame it
            # makes a Series of every column first (3 ms a call, 0.03-0.08 s a frame)
            asked = sorted(variables(parse(var["routing"])))
            out.loc[~out[asked].eval(var["routing"]).astype(bool), var["name"]] = -98.0
    return out


def normalise(text: str) -> str:
    """Compare report text loosely: NFKC, plain quotes and dashes, one space for any whitespace."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\uf0b7": " ", "\u2022": " "}.items():
        text = text.replace(fancy, plain)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)  # words hyphenated across a line break


@pytest.fixture(scope="session")
def published():
    from iro_stats.reference.loaders import load_published

    return load_published(REFERENCE / "published.yaml")


@pytest.fixture(scope="session")
def codebook():
    from iro_stats.reference.loaders import load_codebook

    return load_codebook(REFERENCE / "codebook.yaml")


@pytest.fixture(scope="session")
def la_frame():
    from iro_stats.reference.loaders import load_la_frame

    return load_la_frame(REFERENCE / "local_authorities_england_2012.csv")


@pytest.fixture(scope="session")
def report_text():
    if not REPORT.exists():
        pytest.skip(f"the report's text is not at {REPORT} (../shared beside the checkout)")
    return normalise(REPORT.read_text(encoding="utf-8"))


def once_per_session(tmp_path_factory, worker_id: str, name: str, build) -> Path:
    """``build(folder)`` once per test session, by whichever pytest-xdist worker asks first (a
    file lock; the others wait, then read what it wrote); returns ``folder``, which every
    worker of the session sees. A build that fails is tried again by the next worker asking."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base    # master: no workers
    folder, done = shared / name, shared / f"{name}.done"
    with FileLock(shared / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def _generate(published, codebook, la_frame) -> dict:
    """The default seed's generation, its analysis frames and every published value measured
    on them, with the frames as the Table A.3 step found them."""
    from iro_stats.dataset.analysis import analysis_frames
    from iro_stats.reference.loaders import missing_codes
    from iro_stats.reference.specs import load_specs
    from iro_stats.reference.statements import load_statements
    from iro_stats.stats.measures import resolve
    from iro_stats.stats.reproduce import reproduce
    from iro_stats.synth import table_a3
    from iro_stats.synth.surveys import generate

    specs = load_specs(ROOT / "specs" / "values.yaml")
    statements = load_statements(STATEMENTS)
    resolved = resolve(specs, published)
    before: dict[str, pd.DataFrame] = {}
    calibrate = table_a3.calibrate

    def keep_a_copy(frames, *args):          # the frames as the Table A.3 step finds them
        before.update({name: frame.copy() for name, frame in frames.items()})
        return calibrate(frames, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_a3, "calibrate", keep_a_copy)
        frames, relaxed = generate(la_frame, codebook, resolved, published, SEED,
                                   specs["derived"], MODELS, statements=statements)
    before["la_attributes"] = frames["la_attributes"]        # made after that step
    analysis = analysis_frames(frames, specs["derived"], la_frame, missing_codes(codebook))
    table = reproduce(analysis, resolved, published, specs["pending"])
    return {"frames": frames, "relaxed": relaxed, "analysis": analysis, "resolved": resolved,
            "table": table, "before_table_a3": before, "statements": statements}


@pytest.fixture(scope="session")
def generated_extracts(tmp_path_factory, worker_id, published, codebook, la_frame):
    """The synthetic extracts of the default seed, generated once per test session (in the
    process of the first worker that needs them; about 9 CPU-s): a folder with the session's
    ``synthetic.pickle`` (see :func:`synthetic`) and ``results/``, the outputs of the
    workflow's ``synthetic_extracts`` rule as it writes them (``synthetic/<dataset>.sav``,
    ``audit/synthetic_relaxed.csv``: the workflow tests start from them, test_workflow runs that
    rule's command line and compares)."""
    import pickle

    from iro_stats.synth.surveys import write_frames

    def build(folder: Path) -> None:
        generated = _generate(published, codebook, la_frame)
        (folder / "synthetic.pickle").write_bytes(pickle.dumps(generated))
        for made in ("synthetic", "audit"):
            (folder / "results" / made).mkdir(parents=True)
        write_frames(generated["frames"], generated["relaxed"], codebook,
                     folder / "results" / "synthetic",
                     folder / "results" / "audit" / "synthetic_relaxed.csv",
                     progress=lambda message: None)
    return once_per_session(tmp_path_factory, worker_id, "synthetic", build)


@pytest.fixture(scope="session")
def synthetic(generated_extracts):
    """The synthetic extracts of the default seed (conftest: ``generated_extracts``) with their
    analysis frames and every published value measured on them: ``frames``, ``relaxed``,
    ``analysis``, ``resolved``, ``table``, ``statements``, and ``before_table_a3`` (the frames
    as the Table A.3 step found them)."""
    import pickle

    return pickle.loads((generated_extracts / "synthetic.pickle").read_bytes())


# --------------------------------------------------------------------------- one workflow run

# Every Python process of the traced run writes the iro_stats modules it loaded (its command line,
# then one module a line) to $IRO_STATS_TRACE/<pid>.txt: the rerun-on-edit test compares them with
# each rule's declared code inputs.
TRACER = '''
import atexit, os, sys
def _dump():
    mods = sorted(m for m in sys.modules if m == "iro_stats" or m.startswith("iro_stats."))
    path = os.path.join(os.environ["IRO_STATS_TRACE"], f"{os.getpid()}.txt")
    with open(path, "w") as out:
        out.write(" ".join(sys.argv) + "\\n" + "\\n".join(mods) + "\\n")
if os.environ.get("IRO_STATS_TRACE"):
    atexit.register(_dump)
'''


def _other_blas_kernel() -> dict[str, str]:
    """On an x86-64 machine with AVX2, OpenBLAS on its Haswell kernels, those of the recorded
    checksums (``tests/data/output_checksums.txt``): the models' full-precision CSVs differ in
    their last digits between kernels (seven files on an AVX-512 machine), so the workflow runs
    are compared like for like. The session's generation, on the machine's own kernels, is
    compared with the same record (test_surveys): the data do not hang on the kernels (they
    once did, between an Intel and an AMD machine)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return {}
    return {"OPENBLAS_CORETYPE": "Haswell"} if re.search(r"^flags.* avx2 ", flags, re.M) else {}


def scratch_snakemake(project: Path, *args: str, trace: Path | None = None,
                      env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Snakemake run in a scratch copy (its own ``src`` and the tracer first on the path,
    tracing into ``trace`` if given; OpenBLAS on other kernels than the tests' own process;
    the variables ``env`` besides); it must succeed."""
    env = dict(os.environ, PYTHONPATH=f"{project / 'src'}{os.pathsep}{project / '.tracer'}",
               **_other_blas_kernel(), **(env or {}))
    if trace:
        env["IRO_STATS_TRACE"] = str(trace)
    done = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _scratch_project(folder: Path) -> Path:
    """A copy of the checkout without its outputs, with the tracer and an empty ``.trace``."""
    project = folder / "project"
    skip = shutil.ignore_patterns(".git", ".venv", "results", ".snakemake", "__pycache__",
                                  ".pytest_cache", ".hypothesis", "*.egg-info", "raw")
    shutil.copytree(ROOT, project, ignore=skip)
    for output in (project / "figures").glob("*.*"):
        if output.name != "README.md":
            output.unlink()
    (project / ".tracer").mkdir()
    (project / ".tracer" / "sitecustomize.py").write_text(TRACER)
    (project / ".trace").mkdir()
    return project


@pytest.fixture(scope="session")
def workflow_project(tmp_path_factory, generated_extracts):
    """A scratch copy of the project in which the default workflow (synthetic data, default
    seed and config) has run once, every process traced: the workflow tests read its outputs
    (``results/``, ``figures/``) and the rerun-on-edit test edits its modules. The extracts are
    the session's (``generated_extracts``, written newer than every input of the rule that
    makes them, so that Snakemake does not make them again): a second generation of the same
    extracts cost 9 CPU-s."""
    project = _scratch_project(tmp_path_factory.mktemp("workflow"))
    shutil.copytree(generated_extracts / "results", project / "results",
                    copy_function=shutil.copyfile)        # new files: newer than the inputs
    scratch_snakemake(project, "--cores", "2", "--notemp", trace=project / ".trace")
    return project


# The options of the run on real extracts (a short bootstrap: the point is the path, not the
# intervals), given with ``config_spss.yaml`` to every Snakemake call on that project.
SPSS_OPTIONS = ["--notemp", "--configfile", "config.yaml", "config_spss.yaml", "--config",
                "replicates=20", "bootstrap_chunk=20"]


@pytest.fixture(scope="session")
def spss_project(tmp_path_factory, synthetic, codebook, la_frame):
    """A scratch copy of the project in which the whole workflow ran once on real extracts, every
    process traced, as an analyst with the real data runs it: the session's synthetic IRO,
    manager and DCS answers exported as an online survey tool writes them (tests/survey_tool.py:
    its own names, scales and codes, a partial response each; the IROs' as .zsav, in a folder
    whose name has a space), ``source: spss`` with the drafted mapping finished by configuration
    only, and the optional extracts (Cafcass records, LA attributes) not supplied; real extracts
    are always under disclosure control. Beside the default run on the other test worker, so
    the two runs overlap."""
    import yaml
    from survey_tool import export_and_map

    project = _scratch_project(tmp_path_factory.mktemp("spss"))
    raw = project / "survey exports"          # a path with a space
    raw.mkdir()
    paths, mapping = export_and_map(synthetic["frames"], ("iro", "manager", "dcs"), raw,
                                    codebook, la_frame)
    (raw / "mapping.yaml").write_text(yaml.safe_dump(mapping, sort_keys=False))
    (project / "config_spss.yaml").write_text(yaml.safe_dump({
        "source": "spss", "results": "results_spss", "figures": "figures_spss",
        "spss": {**{d: str(p) for d, p in paths.items()}, "cafcass_enquiry": None,
                 "cafcass_referral": None, "la_attributes": None,
                 "mapping": str(raw / "mapping.yaml")}}, sort_keys=False))
    scratch_snakemake(project, "--cores", "2", *SPSS_OPTIONS, trace=project / ".trace")
    return project


@pytest.hookimpl(tryfirst=True)      # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (``--dist loadgroup --no-loadscope-reorder``: ``tasks.py test``) the
    tests of one expensive fixture run on one worker, so that it is built once, in this order:
    the workflow run's tests (their worker generates the session's extracts, then runs the
    workflow), a fifth of the other tests (meanwhile, on the other worker), the tests of the
    run on real extracts (its extracts are ready by then; so that the two runs overlap) and of
    the generation, the rest."""
    order = {"workflow": [], "synthetic": [], None: []}
    for item in items:
        names = getattr(item, "fixturenames", ())     # the fixtures it needs, indirect ones too
        group = ("workflow" if "workflow_project" in names else "synthetic"
                 if {"generated_extracts", "spss_project"} & set(names) else None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        order[group].append(item)
    head = len(order[None]) // 5
    real_first = sorted(order["synthetic"], key=lambda i: "spss_project" not in i.fixturenames)
    items[:] = [*order["workflow"], *order[None][:head], *real_first, *order[None][head:]]
