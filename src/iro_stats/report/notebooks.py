"""Execute notebooks kept as jupytext percent scripts and export them as HTML.

The workflow runs every notebook against the current results, all in one process: a first cell
sets ``RESULTS`` (the results folder), ``FIGURES`` (the figures folder), ``SOURCE`` (synthetic or
spss) and ``DISCLOSURE_THRESHOLD`` (the threshold of disclosure control where it applies, else
None); the cells run in an IPython shell of this interpreter (a fresh namespace per notebook, its
folder the working directory), their outputs (streams, displays, each cell's result) are kept in
order as a Jupyter kernel would send them, and the executed notebook is exported as standalone
HTML. Notebooks read the pipeline's outputs and explain them; they compute nothing differently.
One shell instead of a kernel per notebook: the eight notebooks share one start-up (with a
kernel process of its own each took about 2 CPU-s), and their pages are the same.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import traceback
from pathlib import Path

from iro_stats.common.atomic import write_text
from iro_stats.common.errors import IroStatsError


def _title(notebook) -> str:
    """The page's title: the notebook's first heading."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return f"iro-stats: {line[2:].strip()}"
    return "iro-stats notebook"


class _Stream(io.TextIOBase):
    """stdout or stderr of a cell: text appended to its outputs as a stream output."""

    def __init__(self, name: str, outputs: list):
        self.stream, self.outputs = name, outputs

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        from nbformat.v4 import new_output

        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == self.stream:
            last.text += text
        else:
            self.outputs.append(new_output("stream", name=self.stream, text=text))
        return len(text)


def _shell():
    """The process's IPython shell (``IPython.display`` finds it), its displays and cell results
    appended to ``shell.cell_outputs`` as a kernel would send them (display_data,
    execute_result); no history file."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from nbformat.v4 import new_output
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs):
            self.shell.cell_outputs.append(new_output("display_data", data=data,
                                                      metadata=metadata or {}))

        def clear_output(self, wait=False):
            self.shell.cell_outputs.clear()

    class Result(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.cell_outputs.append(new_output(
                "execute_result", data=format_dict, metadata=md_dict or {},
                execution_count=self.prompt_count))

        def finish_displayhook(self):
            pass

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # the singleton may exist already (an earlier call): give it these hooks either way
    shell.display_pub_class, shell.displayhook_class = Publisher, Result
    shell.init_display_pub()
    shell.init_displayhook()
    shell.cell_outputs = []
    return shell


# What nbconvert's HTMLExporter adds to a rendered page (by BeautifulSoup, its last step): a
# default alternative text on images without one, and tabindex="0" on each cell's input and
# output areas, so that a keyboard reaches them.
_NO_ALT = re.compile(r"<img(?![^>]*\balt=)")
_FOCUSABLE = re.compile(r'(<div (?:id="[^"]*" )?class="(?:jp-Cell-inputWrapper'
                        r'|[^"]*\bjp-OutputArea-output\b[^"]*)")')


def _focusable(page: str) -> str:
    """``page`` with the alternative texts and tabindex HTMLExporter adds."""
    page = _NO_ALT.sub('<img alt="No description has been provided for this image"', page)
    return _FOCUSABLE.sub(r'\1 tabindex="0"', page)


def _exporter():
    """nbconvert's HTMLExporter without its pass of BeautifulSoup over every finished page
    (parsing and serialising each whole page again to add alt texts and tabindex: 0.5-0.7 s of
    the eight pages' 2.9 s): its own step is handed an empty page and ``_focusable`` adds the
    same attributes to the rendered one. The page parses to the same document as nbconvert's
    (tests/report/test_notebooks.py)."""
    from nbconvert import HTMLExporter, TemplateExporter

    class Rendered(TemplateExporter):   # after HTMLExporter in the order of methods
        def from_notebook_node(self, nb, resources=None, **kw):
            self.page, resources = super().from_notebook_node(nb, resources, **kw)
            return "", resources

    class Exporter(HTMLExporter, Rendered):
        def from_notebook_node(self, nb, resources=None, **kw):
            _, resources = super().from_notebook_node(nb, resources, **kw)
            return _focusable(self.page), resources

    return Exporter


def _parameters(source: Path, results, figures, data_source: str, threshold):
    """The injected first cell; paths relative to the notebook's folder (its working directory),
    so that no exported page shows the machine's paths."""
    import nbformat

    here = source.parent.resolve()
    cell = nbformat.v4.new_code_cell(
        "from pathlib import Path\n"
        f"RESULTS = Path({os.path.relpath(Path(results).resolve(), here)!r})\n"
        f"FIGURES = Path({os.path.relpath(Path(figures or results).resolve(), here)!r})\n"
        f"SOURCE = {data_source!r}\n"
        f"DISCLOSURE_THRESHOLD = {threshold!r}")
    cell.metadata["tags"] = ["injected-parameters"]
    return cell


def execute(sources: list[str | Path], html_outdir: str | Path, results: str | Path,
            data_source: str, figures: str | Path | None = None,
            threshold: int | None = None) -> list[Path]:
    """Run each of ``sources`` (``.py`` percent scripts) with ``RESULTS``, ``FIGURES``, ``SOURCE``
    and ``DISCLOSURE_THRESHOLD`` (``threshold``) set; write ``<html_outdir>/<name>.html``, each
    only once every notebook ran. Returns the pages written."""
    from importlib import resources

    import jupytext

    sources = [Path(s) for s in sources]
    for source in sources:
        if not source.is_file():
            raise IroStatsError(f"{source}: notebook not found")
    templates = resources.files("iro_stats.report").joinpath("assets", "nbconvert")
    exporter = _exporter()(exclude_input_prompt=True, exclude_output_prompt=True,
                           extra_template_basedirs=[str(templates)], template_name="offline")
    shell = _shell()
    pages = {}
    for source in sources:
        notebook = jupytext.read(source)
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        notebook.metadata["title"] = _title(notebook)
        notebook.cells.insert(0, _parameters(source, results, figures, data_source, threshold))
        for number, cell in enumerate(notebook.cells):   # not jupytext's random ids: the same
            cell.id = f"cell-{number}"                    # results give the same page
        shell.reset(new_session=True)            # a fresh namespace, counts from 1
        _run(shell, notebook, source)
        pages[Path(html_outdir) / f"{source.stem}.html"] = exporter.from_notebook_node(notebook)[0]
    for path, body in pages.items():
        write_text(path, body)
    return list(pages)


def _run(shell, notebook, source: Path) -> None:
    """Each code cell run in ``shell`` from the notebook's folder, its outputs kept."""
    here = Path.cwd()
    os.chdir(source.parent.resolve())
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            outputs = shell.cell_outputs = []
            with contextlib.redirect_stdout(_Stream("stdout", outputs)), \
                    contextlib.redirect_stderr(_Stream("stderr", outputs)):
                result = shell.run_cell(cell.source, store_history=True, silent=False)
            cell.outputs, cell.execution_count = outputs, result.execution_count
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                text = "".join(traceback.format_exception(error))
                raise IroStatsError(f"{source}: a cell failed:\n{cell.source[:500]}\n"
                                    f"{text[-2000:]}")
    finally:
        os.chdir(here)
