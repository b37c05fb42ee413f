"""Where a reviewer finds each published value: the line of its spec and of its quote, the
output that shows it and the notebook section that explains it.

Lines come from the YAML files themselves (``yaml.compose`` keeps each node's position), the
output of a block from the layouts that name it (``specs/tables/*.yaml``, ``specs/figures.yaml``)
and its notebook from the notebooks' own calls (``views.show_table(RESULTS, "t3_2")``). Every
path is relative to the project, never the machine's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# Blocks no layout draws: the outputs of the LA dataset and the models.
OTHER_OUTPUTS = {"ta_1": "tables/table_a1.csv", "ta_2": "tables/table_a2.csv",
                 "ta_3": "models/table_a3.html"}
_SHOWN = re.compile(r"""views\.show_(?:table|figure)\(\s*\w+\s*,\s*["'](\w+)["']""")


def key_lines(path: str | Path) -> dict[tuple[str, ...], int]:
    """The 1-based line of every mapping key of a YAML file, by its path of keys; an item of a
    list that has an ``id`` is keyed by that id (``published.yaml``: ``(t3_2, meet_child)``)."""
    root = yaml.compose(Path(path).read_text(encoding="utf-8"),
                        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    lines: dict[tuple[str, ...], int] = {}

    def walk(node, trail: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*trail, str(key.value))
                lines.setdefault(here, key.start_mark.line + 1)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                ident = next((v.value for k, v in getattr(item, "value", ()) if
                              isinstance(k, yaml.ScalarNode) and k.value == "id"), None) if \
                    isinstance(item, yaml.MappingNode) else None
                if ident is None:
                    walk(item, trail)
                else:
                    lines.setdefault((*trail, str(ident)), item.start_mark.line + 1)
                    walk(item, (*trail, str(ident)))

    walk(root, ())
    return lines


@dataclass(frozen=True)
class Place:
    """A file of the project (relative path) and, for a spec, the line."""
    path: str
    line: int | None = None
    anchor: str | None = None

    def __str__(self) -> str:
        return self.path + (f":{self.line}" if self.line else "") + (
            f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Places:
    quote: Place | None      # the value in published.yaml
    spec: Place | None       # its value spec (specs/values.yaml, or the models' spec)
    layout: Place | None     # the layout of the table or figure that shows it
    output: Place | None     # that table or figure (relative to the results folder)
    notebook: Place | None   # the notebook section (relative to the results folder)


class Locator:
    """Finds the :class:`Places` of published values (see the module docstring)."""

    def __init__(self, published: str | Path, specs: str | Path, layouts: list[str | Path],
                 models: str | Path, notebooks: list[str | Path], figures_dir: str):
        self.published, self.specs, self.models = str(published), str(specs), str(models)
        self._quotes = key_lines(published)
        self._specs = key_lines(specs)
        self._models = key_lines(models)
        self.figures_dir = figures_dir
        self.layout_of: dict[str, tuple[str, str, int]] = {}   # block -> (layout id, file, line)
        self.figures: set[str] = set()
        for path in layouts:
            lines = key_lines(path)
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            for section in ("tables", "figures"):
                for lid, layout in (document.get(section) or {}).items():
                    if section == "figures":
                        self.figures.add(lid)
                    for block in (layout or {}).get("blocks") or [lid]:
                        self.layout_of.setdefault(block, (lid, str(path), lines[(section, lid)]))
        self.notebook_of: dict[str, str] = {}
        for path in notebooks:
            for shown in _SHOWN.findall(Path(path).read_text(encoding="utf-8")):
                self.notebook_of.setdefault(shown, Path(path).stem)

    def places(self, value_id: str, block: str, same_as: str | None = None) -> Places:
        short = value_id.split(".", 1)[1]
        line = self._quotes.get(("blocks", block, "values", short))
        quote = Place(self.published, line) if line else None
        spec = self._spec(block, short, same_as)
        layout = output = notebook = None
        if block in self.layout_of:
            lid, path, line = self.layout_of[block]
            layout = Place(path, line)
            output = Place(f"{self.figures_dir}/{lid}.png" if lid in self.figures
                           else f"tables/{lid}.html")
            if lid in self.notebook_of:
                notebook = Place(f"notebooks/{self.notebook_of[lid]}.html", anchor=lid)
        elif block in OTHER_OUTPUTS:
            output = Place(OTHER_OUTPUTS[block])
            notebook = Place("notebooks/appendix_b.html" if block == "ta_3"
                             else "notebooks/appendix_a.html")
        return Places(quote, spec, layout, output, notebook)

    def _spec(self, block: str, short: str, same_as: str | None) -> Place | None:
        if block == "ta_3":   # ta_3.a_r2: model_a of specs/models.yaml
            model = ("models", f"model_{short.split('_', 1)[0]}")
            return Place(self.models, self._models.get(model) or self._models.get(("models",)))
        for key in (("blocks", block, "values", short), ("blocks", block),
                    ("pending", f"{block}.{short}")):
            if key in self._specs:
                return Place(self.specs, self._specs[key])
        if isinstance(same_as, str) and "." in same_as:
            return self._spec(*same_as.split(".", 1), None)
        return None
