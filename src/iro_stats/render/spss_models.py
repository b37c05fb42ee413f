"""SPSS syntax for the Appendix B models (runs in SPSS and in GNU PSPP 1.6).

Dummies by RECODE (a ``missing`` dummy is 1 where the variable is user- or system-missing), then per
model two REGRESSION commands with ``/METHOD=ENTER``: the full model, and the final model found by
backward elimination in Python (location is removed as a block there; SPSS's own
``/METHOD=BACKWARD`` would test the dummies one by one). The final model is run on the full model's
estimation sample (a FILTER on the full model's variables), as SPSS BACKWARD estimates every step.
REGRESSION deletes cases listwise over ``/VARIABLES`` and ``/DEPENDENT`` by default; PSPP always
does and accepts no ``/MISSING`` subcommand, so none is written.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iro_stats.reference.loaders import MissingCodes
    from iro_stats.stats.models import ModelResult, ModelSpec


def _codes(codes) -> str:
    return ", ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in codes)


def dummy_syntax(spec: ModelSpec) -> list[str]:
    """RECODE commands building every dummy of the spec's dummy sets."""
    lines = []
    for p in spec.predictors.values():
        if p.coding != "dummies":
            continue
        lines.append(f"* {p.label}: reference {_codes(p.reference)}.")
        for t in p.terms:
            if t.missing:
                lines.append(f"RECODE {p.var} (MISSING=1) (ELSE=0) INTO {t.name}.")
            else:
                lines.append(f"RECODE {p.var} ({_codes(t.codes)}=1) (MISSING=0) (ELSE=0) "
                             f"INTO {t.name}.")
            lines.append(f"VARIABLE LABELS {t.name} '{t.label.replace(chr(39), chr(39) * 2)}'.")
    return lines + ["EXECUTE."]


def _wrap(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, 78, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def spss_names(spec: ModelSpec, terms: list[str]) -> list[str]:
    """The SPSS variable of each term: a score is its variable, a dummy its RECODE target."""
    names = {t.name: (p.var if p.coding == "score" else t.name)
             for p in spec.predictors.values() for t in p.terms}
    return [names[t] for t in terms]


def _regression(dependent: str, variables: list[str]) -> list[str]:
    return ["REGRESSION",
            *_wrap("  /VARIABLES=" + " ".join(variables)),
            "  /STATISTICS=COEFF R ANOVA",
            f"  /DEPENDENT={dependent}",
            "  /METHOD=ENTER."]


def regression_syntax(spec: ModelSpec, results: dict[str, ModelResult], missing: MissingCodes,
                      data_file: str | None = None) -> str:
    """The whole .sps file: dummies, then each model's full and final REGRESSION. With
    ``data_file`` it starts by opening that .sav (the IRO extract with la_location joined); the
    header names the codebook's ``missing`` codes, to be declared missing in an extract."""
    opening = [f"GET FILE='{data_file}'.", ""] if data_file else []
    lines = [*opening,
        "* Appendix B (Table A.3): regression models of a 'good IRO service'.",
        "* Written by iro_stats.render.spss_models from specs/models.yaml; do not edit by hand.",
        "* Open the IRO extract with the LA-level location of the IRO service joined as",
        "* la_location (MATCH FILES /FILE=* /TABLE=... /BY la_code) and user-missing codes",
        f"* ({', '.join(map(str, missing.all))}) declared missing.",
        "",
        *dummy_syntax(spec),
    ]
    for name, res in results.items():
        m = res.model
        full_terms = spss_names(spec, [t.name for p in m.predictors
                                       for t in spec.predictors[p].terms])
        final_terms = spss_names(spec, res.final.terms[1:])
        lines += ["", *_wrap(f"* {m.column}: {m.label} ({m.outcome}).", "  "),
                  f"* Full model: all predictors (n = {res.full.n} in the Python run).",
                  *_regression(m.outcome, full_terms)]
        if not final_terms:
            lines.append("* Final model: backward elimination removed every predictor.")
            continue
        removed = [p for p in m.predictors if p not in res.final_predictors]
        lines += _wrap(f"* Final model after backward elimination (p to remove >= "
                       f"{spec.p_remove:g}; removed: {', '.join(removed) or 'none'}).", "  ")
        if spec.sample == "full_model":
            valid = [m.outcome] + [spec.predictors[p].var for p in m.predictors
                                   if not spec.predictors[p].keeps_missing]
            flag = f"sample_{name}"[:32]
            lines += [*_wrap(f"COMPUTE {flag} = NMISS({', '.join(dict.fromkeys(valid))}) = 0."),
                      f"FILTER BY {flag}.",
                      *_regression(m.outcome, final_terms),
                      "FILTER OFF."]
        else:
            lines += _regression(m.outcome, final_terms)
    return "\n".join(lines) + "\n"
