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
# # A SimpleRNN forecasts the DAX, beside the persistence baseline (R)
#
# The lesson `R/rnn_forecaster.R`, one step per cell. Its Python twin is `rnn_forecaster.py`
# in this folder. Many-to-one: a window of past daily changes in, tomorrow's change out.
# The honest yardstick is persistence, "tomorrow's close is today's close".

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "rnn_forecaster.R"))

profile <- "quick"
config <- lesson_config("rnn_forecaster", profile)
str(config[c("dataset", "window", "epochs", "units", "train_fraction", "val_fraction")])

# %% [markdown]
# ## Data: windows of daily changes, split by time (train, then validation, then test)

# %%
data <- series_windows(config)
sapply(data[c("x_train", "x_val", "x_test")], dim)

# %% [markdown]
# ## The model: scaling fitted on the training part only, one SimpleRNN, one output

# %%
seed_everything(config$seed, config$threads)
model <- build_model(data, config) |> compile_forecaster(config)
model$count_params()

# %%
history <- train(model, data, config) |> history_lists()

# %% [markdown]
# ## Does it beat persistence? The lesson says so either way.

# %%
evaluated <- evaluate(model, data, config)
verdict(evaluated$scores)

# %%
plot_file <- tempfile(fileext = ".png")
plot_forecast(data, evaluated$forecast, plot_file)
IRdisplay::display_png(file = plot_file)

# %% [markdown]
# ## The same network in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
cat("weights sha256:", weights_sha256(model), "\n")
