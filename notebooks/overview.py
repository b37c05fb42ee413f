# %% [markdown]
# # Overview: the report reproduced
#
# Jelicic, La Valle & Hart (2013), *The role of Independent Reviewing Officers (IROs) in England:
# Findings from a national survey* (NCB Research Centre). Every number the report prints is
# recorded in `data/reference/published.yaml`; the pipeline recomputes each one from the survey
# extracts and sets it beside the published value. This notebook summarises that comparison; the
# other notebooks go chapter by chapter.

# %%
import pandas as pd
from iro_stats.report import views

views.setup(SOURCE)
table = pd.read_csv(RESULTS / "published_vs_reproduced.csv", dtype={"base_n_published": str})
print(f"{len(table)} published values")
views.status_counts(table)

# %% [markdown]
# ## By source (table, figure, section)

# %%
views.show_frame(table.pivot_table(index="source", columns="status", values="id",
                                   aggfunc="count", fill_value=0, sort=False).reset_index(),
                 columns={"source": "Source"})

# %% [markdown]
# ## Executive summary

# %%
views.show_table(RESULTS, "text_es")

# %% [markdown]
# ## Chapter 1: the surveys and their response

# %%
views.show_table(RESULTS, "text_1")

# %%
views.show_figure(FIGURES, "f1_1")

# %% [markdown]
# ## The values not reproduced, and why
# Each mismatch is either one of the report's own inconsistencies (listed with its arithmetic in
# `data/reference/report_inconsistencies.yaml`) or a gap of the pipeline.

# %%
views.show_comparison(table[table["status"] == "mismatch"])

# %% [markdown]
# ## Values no extract can give
# Numbers from open-ended answers, from outside the surveys (the DfE estimate of 1,000 IROs), or
# that the engine cannot yet measure.

# %%
views.show_comparison(table[table["status"] == "not_computable"])

# %% [markdown]
# ## The report checked against itself
# Percentages against their printed base, rows summing to 100, restated numbers, subgroups adding
# up and correlations against their p and N.

# %%
audit = pd.read_csv(RESULTS / "audit" / "published_consistency.csv")
views.show_frame(audit["verdict"].value_counts().rename_axis("Verdict").reset_index(name="Checks"))

# %%
views.show_frame(audit[audit["verdict"] != "consistent"], columns=str.capitalize)
