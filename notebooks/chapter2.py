# %% [markdown]
# # Chapter 2: Profile and location of IRO services
#
# Who the IROs and their managers are (time in post, prior experience, employment), where authorities place the IRO service and the non-IRO duties IROs are asked to take on. Every table and figure is read from the pipeline's outputs (`results/tables/`, the
# figures folder); nothing is recomputed here. Percentages are valid percentages of those who
# answered (the base N is under each table); 95% intervals are in the tables' CSV files.

# %%
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Table 2.1

# %%
views.show_table(RESULTS, "t2_1")

# %% [markdown]
# ## Table 2.2

# %%
views.show_table(RESULTS, "t2_2")

# %% [markdown]
# ## Table 2.3

# %%
views.show_table(RESULTS, "t2_3")

# %% [markdown]
# ## Table 2.5

# %%
views.show_table(RESULTS, "t2_5")

# %% [markdown]
# ## Figure 2.1

# %%
views.show_figure(FIGURES, "f2_1")

# %% [markdown]
# ## Figure 2.2

# %%
views.show_figure(FIGURES, "f2_2")

# %% [markdown]
# ## Figure 2.3

# %%
views.show_figure(FIGURES, "f2_3")

# %% [markdown]
# ## Figure 2.4

# %%
views.show_figure(FIGURES, "f2_4")

# %% [markdown]
# ## Statistics stated in the text of chapter 2

# %%
views.show_table(RESULTS, "text_2")

# %% [markdown]
# ## The chapter's published values beside the reproduced ones
# Status `match` means the exact value rounds half-up to the printed one; mismatches carry their
# reason (the report's own inconsistencies are listed with their arithmetic).

# %%
chapter = views.comparison(RESULTS, 2)
views.status_counts(chapter)

# %%
views.show_comparison(chapter[chapter["status"] != "match"])
