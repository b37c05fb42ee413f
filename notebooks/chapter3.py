# %% [markdown]
# # Chapter 3: The operation of the IRO service
#
# Caseloads, the review tasks IROs can complete, barriers to timely reviews, monitoring between reviews, and raising concerns (the dispute resolution protocol, legal advice, Cafcass). Every table and figure is read from the pipeline's outputs (`results/tables/`, the
# figures folder); nothing is recomputed here. Percentages are valid percentages of those who
# answered (the base N is under each table); 95% intervals are in the tables' CSV files.

# %%
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Table 3.1

# %%
views.show_table(RESULTS, "t3_1")

# %% [markdown]
# ## Table 3.2

# %%
views.show_table(RESULTS, "t3_2")

# %% [markdown]
# ## Table 3.3

# %%
views.show_table(RESULTS, "t3_3")

# %% [markdown]
# ## Table 3.4

# %%
views.show_table(RESULTS, "t3_4")

# %% [markdown]
# ## Table 3.5

# %%
views.show_table(RESULTS, "t3_5")

# %% [markdown]
# ## Figure 3.1

# %%
views.show_figure(FIGURES, "f3_1")

# %% [markdown]
# ## Figure 3.2

# %%
views.show_figure(FIGURES, "f3_2")

# %% [markdown]
# ## Figure 3.3

# %%
views.show_figure(FIGURES, "f3_3")

# %% [markdown]
# ## Figure 3.4

# %%
views.show_figure(FIGURES, "f3_4")

# %% [markdown]
# ## Figure 3.5

# %%
views.show_figure(FIGURES, "f3_5")

# %% [markdown]
# ## Figure 3.6

# %%
views.show_figure(FIGURES, "f3_6")

# %% [markdown]
# ## Statistics stated in the text of chapter 3

# %%
views.show_table(RESULTS, "text_3")

# %% [markdown]
# ## The chapter's published values beside the reproduced ones
# Status `match` means the exact value rounds half-up to the printed one; mismatches carry their
# reason (the report's own inconsistencies are listed with their arithmetic).

# %%
chapter = views.comparison(RESULTS, 3)
views.status_counts(chapter)

# %%
views.show_comparison(chapter[chapter["status"] != "match"])
