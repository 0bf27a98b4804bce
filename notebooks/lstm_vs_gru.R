# ---
# jupyter:
#   jupytext:
#     formats: R:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # LSTM vs GRU vs SimpleRNN (R)
#
# The lesson `R/lstm_vs_gru.R`, one step per cell; its Python twin is `lstm_vs_gru.py` in this
# folder. The same data, windows, units, optimizer, epochs and seeds for all three cells,
# then the adding problem: a long dependency where the gates make the difference.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "lstm_vs_gru.R"))

profile <- "quick"
config <- lesson_config("lstm_vs_gru", profile)
# Parameters of one recurrent layer with h units on 1 input, from the closed forms.
sapply(names(KINDS), closed_form_params, h = config$units, x = 1L)

# %% [markdown]
# ## The DAX: each cell, same everything else

# %%
data <- series_windows(config)
dax <- compare_on_dax(data, config)

# %% [markdown]
# ## The adding problem: add the two marked numbers of a long sequence

# %%
adding <- compare_on_adding(config)

# %%
persistence <- persistence_scores(data)
results <- collect(dax, persistence, adding$runs, adding$truth, adding$guess_one, config)
cat(summary_table(results, dax, adding$runs, config), "\n")

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_validation_loss(results, config, file.path(plots, "validation_loss.png"))
plot_test_error(results, config, file.path(plots, "test_error.png"))
IRdisplay::display_png(file = file.path(plots, "validation_loss.png"))
IRdisplay::display_png(file = file.path(plots, "test_error.png"))

# %% [markdown]
# ## The same network in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
cat("weights sha256:", do.call(weights_sha256, models_of(dax, adding$runs)), "\n")
