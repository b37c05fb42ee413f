# %% [markdown]
# # Appendix B: the four regression models of a "good IRO service" (Table A.3)
#
# OLS with listwise deletion; full model with all six predictors, final model by backward
# elimination (p >= 0.05 removed; location entered and removed as one block by an F-test);
# standardized Beta as SPSS computes it. Everything is read from `results/models/`.

# %%
import pandas as pd
from IPython.display import HTML, Image
from iro_stats.report import views

views.setup(SOURCE)
MODELS = RESULTS / "models"

# %% [markdown]
# ## Table A.3 as the report prints it (reproduced)

# %%
HTML((MODELS / "table_a3.html").read_text())

# %% [markdown]
# ## Published beside reproduced
# Each published beta to three decimals, each R² to two, and whether the predictor is significant
# at p < 0.05 in the final model.

# %%
comparison = pd.read_csv(MODELS / "published_comparison.csv")
comparison

# %% [markdown]
# ## Estimation samples and the selection steps

# %%
pd.read_csv(MODELS / "samples.csv")

# %%
pd.read_csv(MODELS / "selection.csv")

# %% [markdown]
# ## All coefficients (full and final models)

# %%
coefficients = pd.read_csv(MODELS / "appendix_b.csv")
coefficients.round(4)

# %% [markdown]
# ## Final models: standardized coefficients

# %%
Image(filename=str(FIGURES / "ta_3_coefficients.png"))

# %% [markdown]
# ## Robustness
# Standard errors clustered by LA (IROs are nested in authorities) and ordinal logit models for
# the Likert outcomes, compared in sign and significance with the OLS betas.

# %%
pd.read_csv(MODELS / "robustness.csv").round(4)

# %% [markdown]
# ## Cluster bootstrap over LAs
# How often each predictor survives backward elimination when the authorities are resampled, and
# percentile intervals of each final-model beta (replicates pooled from the workflow's chunks).

# %%
pd.read_csv(MODELS / "bootstrap.csv").round(4)
