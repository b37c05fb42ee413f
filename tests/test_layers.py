"""The package's layers: each a folder, imports pointing only down, the generator a client on top.

Layers, top first: ``cli`` (one command per workflow rule) -> ``synth`` (the synthetic extracts,
which nothing below imports) -> ``report`` -> ``render`` -> ``stats`` -> ``dataset`` -> ``read``
-> ``reference`` -> ``common``. A module may import its own layer and the layers below it.
"""

from __future__ import annotations

from iro_stats.common import codegraph

LAYERS = ["cli", "synth", "report", "render", "stats", "dataset", "read", "reference", "common"]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer_folder():
    loose = [m for m in codegraph.modules()
             if _layer(m) is None and m not in ("iro_stats", "iro_stats.__main__")]
    assert not loose, f"modules outside the layer folders: {loose}"
    folders = {m.split(".")[1] for m in codegraph.modules() if m.count(".") >= 1}
    assert folders - {"__main__"} == set(LAYERS)


def test_imports_only_point_down():
    rank = {layer: k for k, layer in enumerate(LAYERS)}
    upward = []
    for module in codegraph.modules():
        for target in codegraph.imports(module):
            here, there = _layer(module), _layer(target)
            if here and there and rank[there] < rank[here]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(sorted(upward))


def test_nothing_below_the_commands_imports_the_generator():
    users = sorted(m for m in codegraph.modules() for t in codegraph.imports(m)
                   if _layer(t) == "synth" and _layer(m) not in ("synth", "cli"))
    assert not users, f"the synthetic generator imported from below: {users}"


def test_the_import_graph_has_no_cycles():
    graph = {m: set(codegraph.imports(m)) for m in codegraph.modules()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            assert cycle is None, "import cycle: " + " -> ".join(cycle)
