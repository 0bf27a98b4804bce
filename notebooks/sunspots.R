# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Sunspots, 12 months ahead, on a rolling-origin backtest (R)
#
# The lesson `R/sunspots.R`, one step per cell; its Python twin is `sunspots.py` in this folder.
# Many-to-many with unequal lengths: the last 24 months in, the next 12 out, at once. A GRU
# against persistence, the mean of the last 12 months, a linear autoregression and the AI
# blog's LSTM, on slices that move forward in time. The quick profile runs 2 slices and a few
# epochs; the full one (`Rscript R/sunspots.R --profile full`) runs 6.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "sunspots.R"))

profile <- "quick"
config <- lesson_config("sunspots", profile)
str(config[c("window", "horizon", "n_slices", "slices", "epochs", "units", "blog_epochs")])

# %% [markdown]
# ## The data, and the slices: train, then validation, then test, each slice later than the last

# %%
series <- load_sunspots(config)
cuts <- rolling_slices(length(series$value), config)
for (k in seq_along(cuts)) {
  parts <- vapply(names(cuts[[k]]), function(part) {
    ab <- cuts[[k]][[part]]
    sprintf("%s %.0f-%.0f", part, series$year[[ab[[1L]] + 1L]], series$year[[ab[[2L]]]])
  }, "")
  cat(sprintf("slice %d: %s\n", k, paste(parts, collapse = ", ")))
}

# %% [markdown]
# ## One slice's windows: 24 months of square roots in, the next 12 out

# %%
data <- slice_data(series$value, cuts[[1L]], config$window, config$horizon)
sapply(data[c("x_train", "y_train", "x_test")], dim)

# %% [markdown]
# ## The two networks, on the first slice's scaling (fitted on its training part only)

# %%
seed_everything(config$seed, config$threads)   # pins TensorFlow's threads before it starts
scaling <- scaling_layers(data$train_roots)
build_model(scaling$scale, config)$summary()
build_blog_model(scaling$scale, config)$summary()

# %% [markdown]
# ## The backtest: every slice, every model and baseline

# %%
runs <- backtest(series, config)
results <- collect(runs, config)
cat(summary_table(results, config), "\n")

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_fan(runs[[length(runs)]], series, config, file.path(plots, "forecast_fan.png"))
plot_slice_rmse(results, file.path(plots, "slice_rmse.png"))
IRdisplay::display_png(file = file.path(plots, "forecast_fan.png"))
IRdisplay::display_png(file = file.path(plots, "slice_rmse.png"))

# %% [markdown]
# ## The same networks in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, slice by slice.

# %%
models <- unlist(lapply(runs, function(run) unname(run$models[names(MODELS)])), recursive = FALSE)
cat("weights sha256:", do.call(weights_sha256, models), "\n")
