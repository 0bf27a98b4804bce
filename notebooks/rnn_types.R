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
# # The RNN types, and a bidirectional LSTM reading digits (R)
#
# The lesson `R/rnn_types.R`, one step per cell; its Python twin is `rnn_types.py` in this
# folder. First the slides' five RNN types as small Keras models, with their shapes and
# parameters; then an LSTM and a bidirectional LSTM reading each digit row by row.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "rnn_types.R"))

profile <- "quick"
config <- lesson_config("rnn_types", profile) |> check_types()
str(config$types)   # x inputs per step, h units, T steps in, T' steps out, k outputs

# %% [markdown]
# ## Part 1: the five types
# One-to-one has no recurrence; one-to-many repeats its one input at every step; many-to-one
# keeps the last state; many-to-many returns every state; the encoder-decoder hands its last
# state to a decoder that writes another length. Seeding first fixes TensorFlow's threads.

# %%
seed_everything(config$seed, config$threads)
types <- describe_types(config$types)
for (name in names(types$table)) {
  row <- types$table[[name]]
  cat(sprintf("%-22s [%s] -> [%s], %d parameters (by hand %d): %s\n", name,
              toString(row$input_shape), toString(row$output_shape), row$params, row$params_by_hand, row$example))
}

# %%
# The encoder-decoder, layer by layer: encoder -> repeat -> decoder -> y (NA is the batch axis).
layers_of <- model_summary(types$models[[5L]])$layers
data.frame(layer = vapply(layers_of, `[[`, "", "name"),
           output_shape = vapply(layers_of, function(l) paste(l$output_shape, collapse = " x "), ""),
           params = vapply(layers_of, `[[`, 0L, "params"))

# %% [markdown]
# ## Part 2: 28 rows of 28 pixels, read by an LSTM and by a bidirectional LSTM
# The whole image is known before we classify it, so reading the rows bottom-up as well is
# fair. A forecast could not do this: the backward reader would need the future.

# %%
data <- load_images(config)
runs <- compare_readers(data, config)
results <- collect(types$table, runs, config)
cat(summary_table(results, runs), "\n")

# %%
plots <- tempfile("plots")
dir.create(plots)
seconds_per_epoch <- stats::setNames(lapply(runs, `[[`, "seconds_per_epoch"), vapply(runs, `[[`, "", "kind"))
plot_validation_accuracy(results, file.path(plots, "validation_accuracy.png"))
plot_accuracy_and_speed(results, seconds_per_epoch, file.path(plots, "accuracy_and_speed.png"))
IRdisplay::display_png(file = file.path(plots, "validation_accuracy.png"))
IRdisplay::display_png(file = file.path(plots, "accuracy_and_speed.png"))

# %% [markdown]
# ## The same networks in both languages
# The Python notebook ends with the same line: the sha256 of both readers' trained weights, as float32 bytes.

# %%
cat("weights sha256:", do.call(weights_sha256, models_of(runs)), "\n")
