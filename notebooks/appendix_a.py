# %% [markdown]
# # Appendix A: the sample and the local-authority dataset
#
# What the pipeline read, what it kept, and the LA-level dataset of Appendix A, with Tables A.1
# and A.2 beside the report's numbers. Everything shown here is read from the pipeline's outputs
# (`results/`); nothing is recomputed. No respondent-level rows are shown.

# %%
import pandas as pd
from iro_stats.report import views

views.setup(SOURCE)

# %% [markdown]
# ## Every row read is accounted for
# The ledger has one row per respondent or record read; here it is summarised by extract and
# status. An IRO who gave no LA is kept for respondent-level statistics but cannot enter the
# LA-level dataset.

# %%
ledger = pd.read_csv(RESULTS / "ledger.csv", keep_default_na=False)
views.show_frame(views.ledger_summary(ledger, DISCLOSURE_THRESHOLD), columns=str.capitalize)

# %% [markdown]
# ## Validation of the extracts
# The same checks as `iro-stats validate`: codes against the codebook, ids, LA codes, routing.
# With real extracts this report stays with the analyst (it names respondents' rows).

# %%
print(views.validation_text((RESULTS / "audit" / "validation.txt").read_text(),
                            DISCLOSURE_THRESHOLD))

# %% [markdown]
# ## Table A.1: responding authorities by type
# `las` is the number of authorities of each type in England (the LA frame), `responses` those
# with at least one response to any of the three surveys, `responses_pct` their share (exact; the
# report prints it rounded half-up).

# %%
views.show_frame(pd.read_csv(RESULTS / "tables" / "table_a1.csv"), 1)

# %% [markdown]
# ## Table A.2: responding authorities by Ofsted rating of looked-after children services
# The Isles of Scilly had no rating, so the totals are of 151 authorities.

# %%
views.show_frame(pd.read_csv(RESULTS / "tables" / "table_a2.csv"), 1)

# %% [markdown]
# ## Every LA-level value beside the report's
# Location of the IRO service (Figure 2.4), in-house services and the IROs they employ (Section
# 2.3), non-IRO duties expected of IROs (Section 2.4), caseloads (Figure 3.1, footnote 8), the
# dispute resolution protocol (Section 3.5.1) and Cafcass contact by Ofsted rating (Section 6.1).
# `base_n_reproduced` is the number of authorities with a valid value; `excluded_n` those without
# one; `outside_n` those outside the subgroup.

# %%
stats = pd.read_csv(RESULTS / "tables" / "la_statistics.csv")
views.show_frame(stats[["label", "published", "reproduced", "base_n_reproduced", "excluded_n",
                        "outside_n", "status"]], 2,
                 {"label": "Value", "published": "Printed", "reproduced": "Reproduced",
                  "base_n_reproduced": "Base N", "excluded_n": "Excluded (missing)",
                  "outside_n": "Outside the subgroup", "status": "Verdict"})

# %%
views.status_counts(stats)
