# %% [markdown]
# # Chapter 6: Contact with Cafcass
#
# The 104 helpline enquiries from IROs (by authority, child, concern and Cafcass response) and the eight cases formally referred. Every table and figure is read from the pipeline's outputs (`results/tables/`, the
# figures folder); nothing is recomputed here. Percentages are valid percentages of those who
# answered (the base N is under each table); 95% intervals are in the tables' CSV files.

# %%
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Table 6.1

# %%
views.show_table(RESULTS, "t6_1")

# %% [markdown]
# ## Table 6.2

# %%
views.show_table(RESULTS, "t6_2")

# %% [markdown]
# ## Table 6.2 (cases referred to Cafcass)

# %%
views.show_table(RESULTS, "t6_2_cases")

# %% [markdown]
# ## Figure 6.1

# %%
views.show_figure(FIGURES, "f6_1")

# %% [markdown]
# ## Figure 6.2

# %%
views.show_figure(FIGURES, "f6_2")

# %% [markdown]
# ## Figure 6.3

# %%
views.show_figure(FIGURES, "f6_3")

# %% [markdown]
# ## Statistics stated in the text of chapter 6

# %%
views.show_table(RESULTS, "text_6")

# %% [markdown]
# ## The chapter's published values beside the reproduced ones
# Status `match` means the exact value rounds half-up to the printed one; mismatches carry their
# reason (the report's own inconsistencies are listed with their arithmetic).

# %%
chapter = views.comparison(RESULTS, 6)
views.status_counts(chapter)

# %%
views.show_comparison(chapter[chapter["status"] != "match"])
