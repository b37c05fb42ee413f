# %% [markdown]
# # Appendix B: the four regression models of a "good IRO service" (Table A.3)
#
# OLS with listwise deletion; full model with all six predictors, final model by backward
# elimination (p >= 0.05 removed; location entered and removed as one block by an F-test);
# standardized Beta as SPSS computes it. Everything is read from `results/models/`.

# %%
import pandas as pd
from iro_stats.report import views

views.setup(SOURCE)
MODELS = RESULTS / "models"

# %% [markdown]
# ## Table A.3 as the report prints it (reproduced)

# %%
views.show_page(MODELS / "table_a3.html")

# %% [markdown]
# ## Published beside reproduced
# Each published beta to three decimals, each R² to two, and whether the predictor is significant
# at p < 0.05 in the final model.

# %%
comparison = pd.read_csv(MODELS / "published_comparison.csv")
views.show_frame(comparison.drop(columns=["id", "decimals"]), 4, str.capitalize)

# %% [markdown]
# ## Estimation samples and the selection steps

# %%
views.show_frame(pd.read_csv(MODELS / "samples.csv"), 0, str.capitalize)

# %%
views.show_frame(pd.read_csv(MODELS / "selection.csv"), 4, str.capitalize)

# %% [markdown]
# ## All coefficients (full and final models)

# %%
coefficients = pd.read_csv(MODELS / "appendix_b.csv")
views.show_frame(coefficients, 4, str.capitalize)

# %% [markdown]
# ## Final models: standardized coefficients

# %%
views.show_figure(FIGURES, "ta_3_coefficients")

# %% [markdown]
# ## Robustness
# Standard errors clustered by LA (IROs are nested in authorities) and ordinal logit models for
# the Likert outcomes, compared in sign and significance with the OLS betas.

# %%
views.show_frame(pd.read_csv(MODELS / "robustness.csv"), 4, str.capitalize)

# %% [markdown]
# ## Cluster bootstrap over LAs
# How often each predictor survives backward elimination when the authorities are resampled, and
# percentile intervals of each final-model beta (replicates pooled from the workflow's chunks).

# %%
views.show_frame(pd.read_csv(MODELS / "bootstrap.csv"), 4, str.capitalize)
