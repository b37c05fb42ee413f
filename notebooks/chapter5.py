# %% [markdown]
# # Chapter 5: Service improvement and effectiveness
#
# How far IROs, managers and DCSs think IROs have contributed to improvements since 2011. Every table and figure is read from the pipeline's outputs (`results/tables/`, the
# figures folder); nothing is recomputed here. Percentages are valid percentages of those who
# answered (the base N is under each table); 95% intervals are in the tables' CSV files.

# %%
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Table 5.1

# %%
views.show_table(RESULTS, "t5_1")

# %% [markdown]
# ## Table 5.2

# %%
views.show_table(RESULTS, "t5_2")

# %% [markdown]
# ## Figure 5.1

# %%
views.show_figure(FIGURES, "f5_1")

# %% [markdown]
# ## Statistics stated in the text of chapter 5

# %%
views.show_table(RESULTS, "text_5")

# %% [markdown]
# ## The chapter's published values beside the reproduced ones
# Status `match` means the exact value rounds half-up to the printed one; mismatches carry their
# reason (the report's own inconsistencies are listed with their arithmetic).

# %%
chapter = views.comparison(RESULTS, 5)
views.status_counts(chapter)

# %%
views.show_comparison(chapter[chapter["status"] != "match"])
