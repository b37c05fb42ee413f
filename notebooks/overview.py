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
table = pd.read_csv(RESULTS / "published_vs_reproduced.csv")
print(f"{len(table)} published values")
table["status"].value_counts()

# %% [markdown]
# ## By source (table, figure, section)

# %%
table.pivot_table(index="source", columns="status", values="id", aggfunc="count",
                  fill_value=0, sort=False)

# %% [markdown]
# ## The values not reproduced, and why
# Each mismatch is either one of the report's own inconsistencies (listed with its arithmetic in
# `data/reference/report_inconsistencies.yaml`) or a gap of the pipeline.

# %%
table.loc[table["status"] == "mismatch", ["id", "published", "reproduced", "note"]]

# %% [markdown]
# ## Values no extract can give
# Numbers from open-ended answers, from outside the surveys (the DfE estimate of 1,000 IROs), or
# that the engine cannot yet measure.

# %%
table.loc[table["status"] == "not_computable", ["id", "note"]]

# %% [markdown]
# ## The report checked against itself
# Percentages against their printed base, rows summing to 100, restated numbers, subgroups adding
# up and correlations against their p and N.

# %%
audit = pd.read_csv(RESULTS / "audit" / "published_consistency.csv")
audit["verdict"].value_counts()

# %%
audit[audit["verdict"] != "consistent"]
