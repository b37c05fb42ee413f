# %% [markdown]
# # Chapter 4: Support and management of IROs
#
# Supervision, support from managers, quality assurance tasks, training, and whether IROs feel valued and supported. Every table and figure is read from the pipeline's outputs (`results/tables/`, the
# figures folder); nothing is recomputed here. Percentages are valid percentages of those who
# answered (the base N is under each table); 95% intervals are in the tables' CSV files.

# %%
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Table 4.1

# %%
views.show_table(RESULTS, "t4_1")

# %% [markdown]
# ## Table 4.2

# %%
views.show_table(RESULTS, "t4_2")

# %% [markdown]
# ## Table 4.4

# %%
views.show_table(RESULTS, "t4_4")

# %% [markdown]
# ## Table 4.5

# %%
views.show_table(RESULTS, "t4_5")

# %% [markdown]
# ## Figure 4.1

# %%
views.show_figure(FIGURES, "f4_1")

# %% [markdown]
# ## Figure 4.2

# %%
views.show_figure(FIGURES, "f4_2")

# %% [markdown]
# ## Statistics stated in the text of chapter 4

# %%
views.show_table(RESULTS, "text_4")

# %% [markdown]
# ## The chapter's published values beside the reproduced ones
# Status `match` means the exact value rounds half-up to the printed one; mismatches carry their
# reason (the report's own inconsistencies are listed with their arithmetic).

# %%
chapter = views.comparison(RESULTS, 4)
views.status_counts(chapter)

# %%
views.show_comparison(chapter[chapter["status"] != "match"])
