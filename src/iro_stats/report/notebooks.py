"""Execute a notebook kept as a jupytext percent script and export it as HTML.

The workflow runs each notebook against the current results: a first cell sets ``RESULTS`` (the
results folder), ``FIGURES`` (the figures folder), ``SOURCE`` (synthetic or spss) and
``DISCLOSURE_THRESHOLD`` (the threshold of disclosure control where it applies, else None), the
kernel is the interpreter that runs the workflow, and the executed notebook is exported as
standalone HTML. Notebooks read the pipeline's outputs and explain them; they compute nothing
differently.
"""

from __future__ import annotations

import os
from pathlib import Path

from iro_stats.common.atomic import atomic_path, write_text
from iro_stats.common.errors import IroStatsError


def _title(notebook) -> str:
    """The page's title: the notebook's first heading."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return f"iro-stats: {line[2:].strip()}"
    return "iro-stats notebook"


def execute(source: str | Path, html_out: str | Path, results: str | Path, data_source: str,
            figures: str | Path | None = None, ipynb_out: str | Path | None = None,
            timeout: int = 300, threshold: int | None = None) -> None:
    """Run ``source`` (a ``.py`` percent script) with ``RESULTS``, ``FIGURES``, ``SOURCE`` and
    ``DISCLOSURE_THRESHOLD`` (``threshold``) set; write HTML."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    if not source.is_file():
        raise IroStatsError(f"{source}: notebook not found")
    # The kernel boots in its own process (about half a second) while this one reads the
    # notebook and readies the HTML exporter (its first export loads the templates).
    client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", timeout=timeout,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(source.parent.resolve())}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    try:
        from importlib import resources

        import jupytext
        from nbconvert import HTMLExporter

        templates = resources.files("iro_stats.report").joinpath("assets", "nbconvert")
        exporter = HTMLExporter(exclude_input_prompt=True, exclude_output_prompt=True,
                                extra_template_basedirs=[str(templates)],
                                template_name="offline")
        exporter.from_notebook_node(nbformat.v4.new_notebook())
        notebook = jupytext.read(source)
    except BaseException:
        client._cleanup_kernel()
        raise
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.metadata["title"] = _title(notebook)
    # paths relative to the kernel's working directory (the notebook's folder), so that no
    # exported page shows the machine's paths
    here = source.parent.resolve()
    parameters = nbformat.v4.new_code_cell(
        "from pathlib import Path\n"
        f"RESULTS = Path({os.path.relpath(Path(results).resolve(), here)!r})\n"
        f"FIGURES = Path({os.path.relpath(Path(figures or results).resolve(), here)!r})\n"
        f"SOURCE = {data_source!r}\n"
        f"DISCLOSURE_THRESHOLD = {threshold!r}")
    parameters.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(0, parameters)
    client.nb = notebook
    try:
        client.execute()
    except CellExecutionError as exc:
        raise IroStatsError(f"{source}: a cell failed:\n{str(exc)[-2000:]}") from None
    body, _ = exporter.from_notebook_node(notebook)
    write_text(html_out, body)
    if ipynb_out:
        with atomic_path(ipynb_out) as tmp:
            nbformat.write(notebook, tmp)
