# %% [markdown]
# # Appendix B: the four regression models of a "good IRO service" (Table A.3)
#
# OLS with listwise deletion; full model with all six predictors, final model by backward
# elimination (p >= 0.05 removed; location entered and removed as one block by an F-test);
# standardized Beta as SPSS computes it. Everything is read from `results/models/`.

# %%
import pandas as pd
from IPython.display import Markdown, display
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
# ## Do Table A.3's conclusions hold? One verdict per published cell
# For each of the 17 published values (13 betas, starred or not at p < 0.05, and 4 R²): robust,
# or sensitive to clustering (CR2 with Satterthwaite df and the wild cluster bootstrap by LA; a
# term fewer than 5 LAs identify is *not estimable with clustering* and gets no p), to the sample
# rule (the final model refitted on its own listwise sample instead of the full model's), to
# missing data (multiple imputation, `imputation` in `config.yaml`) or to selection
# (kept in under half of the cluster-bootstrap replicates, or dropped by the ordinal model's own
# elimination). On synthetic data these verdicts show the method, not the report's truth.

# Published values as Table A.3 prints them (betas to 3 decimals, R² to 2, * p < 0.05); "Identified
# by": the LAs and IROs whose answers identify the term (under disclosure control an IRO count
# below the threshold is withheld in `robustness.csv` and reads "withheld").

# %%
verdicts = pd.read_csv(MODELS / "verdicts.csv")
decimals = comparison.set_index("id")["decimals"]
shown = pd.DataFrame({
    "Model (Table A.3)": verdicts["model_label"],
    "Predictor (Table A.3)": verdicts["label"],
    "Published": [f"{v:.{int(decimals[i])}f}" + ("*" if s is True or s == "True" else "")
                  for i, v, s in zip(verdicts["id"], verdicts["published"], verdicts["starred"])],
    "Verdict": verdicts["verdict"],
    "Identified by": ["" if pd.isna(la) else f"{int(la)} LAs, "
                      + ("IROs withheld" if pd.isna(n) else f"{int(n)} IROs")
                      for la, n in zip(verdicts["n_la"], verdicts["n_iro"])],
    "The numbers behind it": verdicts["evidence"]})
ran = not verdicts["missing_data"].astype(str).str.startswith("not checked").all()
display(Markdown("Multiple imputation **ran** in this run: missing data was checked." if ran else
                 "Multiple imputation did **not** run in this run (`imputation: false`): "
                 "missing data was **not checked**, and each verdict says so."))
views.show_frame(shown)

# %% [markdown]
# ## Robustness checks
# Per final term: the LAs and IROs that identify it (`identification`), CR2 standard errors by LA
# with Satterthwaite df (`cr2`; B scale), the final model on its own listwise sample
# (`own_sample`; beta scale), and the ordinal logit with its own backward elimination and
# cluster-robust Wald tests (`ordinal`; log-odds).

# %%
views.show_frame(pd.read_csv(MODELS / "robustness.csv"), 4, str.capitalize)

# %% [markdown]
# ## Wild cluster bootstrap and multiple imputation

# %%
views.show_frame(pd.read_csv(MODELS / "sensitivity.csv"), 4, str.capitalize)

# %% [markdown]
# ## Cluster bootstrap over LAs
# How often each predictor survives backward elimination when the authorities are resampled, and
# percentile intervals of each final-model beta, with the share of replicates in which the term
# is estimable and survives selection; rank-deficient replicates are counted and excluded, and no
# interval is shown for a term estimable in fewer than 95% of the replicates.

# %%
views.show_frame(pd.read_csv(MODELS / "bootstrap.csv"), 4, str.capitalize)
