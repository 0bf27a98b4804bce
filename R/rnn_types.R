# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 6: the five RNN types, and a bidirectional LSTM reading digits (R)
#
# **You will** wire the slides' five kinds of recurrent network as small Keras models and predict
# their shapes and parameter counts by hand; then read each MNIST digit as a sequence of 28 rows
# and train two readers on it, an LSTM that reads top to bottom and a bidirectional LSTM that
# also reads bottom to top, and weigh what the second direction costs against what it gains.
#
# This file is a script and a notebook at once: run it line by line in RStudio, whole with
# `Rscript R/rnn_types.R` (`--profile full` for the real run, `--help` for the options) or cell
# by cell in JupyterLab. It is written in keras3's vocabulary; its Python twin,
# `python/rnn_types.py`, takes the same steps with the same names and trains the very same networks.

# %%
library(workshop)                          # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("rnn_types")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# ## 1. Five ways to wire a recurrent network
#
# The slides draw five types; here each is a Keras model with tiny sizes from the spec, so that
# every count fits on a board: x inputs per step, h units, T steps in, T' steps out, k outputs.
# Every layer has a name, so each summary reads like the picture. `return_sequences = TRUE` keeps
# the state of every step instead of the last one only, and `layer_repeat_vector()` hands one
# vector to every step of a recurrent layer that needs an input at each step.

# %%
sizes <- workshop_type_sizes(settings)    # the spec's "types", checked: whole numbers above 0
x <- sizes$features
h <- sizes$units
steps_in <- sizes$steps_in
steps_out <- sizes$steps_out
k <- sizes$outputs
str(sizes)

vector <- keras_input(shape = x, name = "x")
hidden <- vector |> layer_dense(units = h, activation = "tanh", name = "hidden")   # h = tanh(Ux + b), no h(t-1)
one_to_one <- keras_model(vector, hidden |> layer_dense(units = k, name = "y"), name = "one_to_one")

repeated <- vector |> layer_repeat_vector(steps_out, name = "repeat")            # the one input at every step
states <- repeated |> layer_simple_rnn(units = h, return_sequences = TRUE, name = "rnn")
one_to_many <- keras_model(vector, states |> layer_dense(units = k, name = "y"), name = "one_to_many")

sequence <- keras_input(shape = c(steps_in, x), name = "x")
last <- sequence |> layer_simple_rnn(units = h, name = "rnn")                    # only the last state
many_to_one <- keras_model(sequence, last |> layer_dense(units = k, name = "y"), name = "many_to_one")

states <- sequence |> layer_simple_rnn(units = h, return_sequences = TRUE, name = "rnn")   # every state
many_to_many_equal <- keras_model(sequence, states |> layer_dense(units = k, name = "y"), name = "many_to_many_equal")

encoding <- sequence |> layer_simple_rnn(units = h, name = "encoder")             # the input read to its end
repeated <- encoding |> layer_repeat_vector(steps_out, name = "repeat")           # handed to each output step
states <- repeated |> layer_simple_rnn(units = h, return_sequences = TRUE, name = "decoder")
many_to_many_unequal <- keras_model(sequence, states |> layer_dense(units = k, name = "y"), name = "many_to_many_unequal")
summary(many_to_many_unequal)

# %% [markdown]
# **Look at** the encoder-decoder's summary: 5 steps of 3 numbers go in, the encoder keeps one
# state of 4, `layer_repeat_vector()` makes it 3 steps of 4, the decoder returns 3 states and
# `layer_dense()` turns each into 2 outputs (Keras applies a dense layer to the last axis, step
# by step).
#
# Now the counts by hand. A `layer_simple_rnn(units = h)` on x inputs holds U (h x x), W (h x h)
# and a bias: h(h + x) + h. A `layer_dense(units = k)` on w inputs holds k(w + 1). The table sets
# each model's shapes and Keras' count beside ours. **Look for** three types
# with the same count: the weights of a recurrent layer do not depend on the number of steps.

# %%
rnn_params <- function(h, x) h * (h + x) + h

dense_params <- function(k, w) k * (w + 1)

head <- dense_params(k, h)
types <- list(   # the model, what it is for, its parameters by hand
  one_to_one = list(one_to_one, "image classification: one picture in, one class out",
                    dense_params(h, x) + head),
  one_to_many = list(one_to_many, "image captioning, music generation: one input, a sequence out",
                     rnn_params(h, x) + head),
  many_to_one = list(many_to_one, "sentiment of a review, forecasting one value: a sequence in, one answer out",
                     rnn_params(h, x) + head),
  many_to_many_equal = list(many_to_many_equal, "tagging each frame or word: one output per input step",
                            rnn_params(h, x) + head),
  many_to_many_unequal = list(many_to_many_unequal,
                              "translation, a 12-month forecast: read it all, then write another length",
                              rnn_params(h, x) + rnn_params(h, h) + head)
)
table <- list()
cat(sprintf("%-22s%8s%8s%8s%9s\n", "type", "input", "output", "params", "by hand"))
for (name in names(types)) {
  model <- types[[name]][[1]]
  by_hand <- types[[name]][[3]]
  input_shape <- unlist(model$input$shape)     # unlist(): the batch axis (NULL, any size) drops out
  output_shape <- unlist(model$output$shape)
  table[[name]] <- list(example = types[[name]][[2]], input_shape = I(input_shape), output_shape = I(output_shape),
                        params = count_params(model), params_by_hand = by_hand)
  cat(sprintf("%-22s%8s%8s%8d%9d\n", name, paste(input_shape, collapse = "x"), paste(output_shape, collapse = "x"),
              count_params(model), as.integer(by_hand)))
}

# %% [markdown]
# ## 2. The data: a digit as 28 rows of 28 pixels
#
# The same MNIST digits as lesson 1, read as sequences: row 1 is step 1, row 28 is step 28, and
# each step brings x = 28 pixels. A whole digit in, one class out: many-to-one.

# %%
mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y
cat("training digits:", dim(x_train), "= digits x steps (rows) x inputs per step (pixels)\n")
cat("validation:", dim(x_val), " test:", dim(x_test), "\n")

# %% [markdown]
# ## 3. The first reader: an LSTM, top to bottom
#
# `layer_rescaling()` inside the model scales the pixels to 0..1, as in lesson 1; the LSTM reads
# the 28 rows and hands its last state to a softmax over the 10 digits. The seed is set again
# before each reader, so that the two start alike and differ only in their recurrent layer.
# Compile and fit are lesson 1's: Adam, its learning rate falling on a cosine to 0, the labels as
# whole numbers.

# %%
set_random_seed(settings$seed)
lstm <- keras_model_sequential(input_shape = c(28, 28), name = "lstm") |>   # 28 steps (rows) of 28 inputs (pixels)
  layer_rescaling(1 / 255, name = "scale") |>
  layer_lstm(units = settings$units, name = "lstm") |>                       # its last state
  layer_dense(units = 10, activation = "softmax", name = "digit")
summary(lstm)

steps_per_epoch <- ceiling(length(y_train) / settings$batch_size)
schedule <- learning_rate_schedule_cosine_decay(
  settings$learning_rate, decay_steps = steps_per_epoch * settings$epochs)
lstm |> compile(
  optimizer = optimizer_adam(learning_rate = schedule),
  loss = "sparse_categorical_crossentropy",
  metrics = "accuracy"
)

# %%
started <- proc.time()[["elapsed"]]   # the time is part of the lesson: the second direction costs some
lstm_history <- lstm |> fit(
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = settings$epochs,
  batch_size = settings$batch_size,
  verbose = 2
)
seconds_per_epoch <- list(lstm = (proc.time()[["elapsed"]] - started) / settings$epochs)

# %% [markdown]
# ## 4. The second reader: a bidirectional LSTM
#
# `bidirectional()` runs a second LSTM, with weights of its own, from the last row to the first,
# and sets both last states side by side: an output twice as wide, twice the recurrent weights.
# For an image this is fair, since the whole digit is there before the question is asked; the
# forward reader must carry the top rows (where a 4 and a 9 differ) across 28 steps, the backward
# one reads them last. For a forecast it is wrong: at time t the months after t do not exist yet.
# `train()` compiles and fits exactly as the cells above did for the LSTM.

# %%
train <- function(model) {
  model |> compile(optimizer = optimizer_adam(learning_rate = schedule),
                   loss = "sparse_categorical_crossentropy", metrics = "accuracy")
  started <- proc.time()[["elapsed"]]
  history <- model |> fit(x_train, y_train, validation_data = list(x_val, y_val), epochs = settings$epochs,
                          batch_size = settings$batch_size, verbose = 2)
  list(history = history, seconds_per_epoch = (proc.time()[["elapsed"]] - started) / settings$epochs)
}

set_random_seed(settings$seed)
bilstm <- keras_model_sequential(input_shape = c(28, 28), name = "bilstm") |>
  layer_rescaling(1 / 255, name = "scale") |>
  bidirectional(layer_lstm(units = settings$units, name = "lstm"), name = "bidirectional") |>
  layer_dense(units = 10, activation = "softmax", name = "digit")
summary(bilstm)
trained <- train(bilstm)
bilstm_history <- trained$history
seconds_per_epoch$bilstm <- trained$seconds_per_epoch

# %% [markdown]
# ## 5. Evaluate on digits never seen
#
# Both readers on the same test digits, with their parameter counts beside the closed forms:
# an LSTM holds four blocks (three gates and the candidate), 4(h(h + x) + h) with x = 28; the
# bidirectional layer twice that, and its softmax reads 2h numbers.

# %%
units <- settings$units
readers <- list(lstm = list(lstm, "LSTM", 4 * rnn_params(units, 28) + dense_params(10, units)),
                bilstm = list(bilstm, "Bidirectional LSTM", 2 * 4 * rnn_params(units, 28) + dense_params(10, 2 * units)))
test <- setNames(lapply(table, `[[`, "params"), paste0(names(table), "_params"))
cat(sprintf("%-20s%8s%9s%9s%15s\n", "reader", "params", "by hand", "s/epoch", "test accuracy"))
for (kind in names(readers)) {
  model <- readers[[kind]][[1]]
  by_hand <- readers[[kind]][[3]]
  scores <- model |> evaluate(x_test, y_test, verbose = 0)
  test[paste0(kind, c("_params", "_params_by_hand", "_loss", "_accuracy"))] <-
    list(count_params(model), by_hand, scores$loss, scores$accuracy)
  cat(sprintf("%-20s%8s%9s%9.2f%15.4f\n", readers[[kind]][[2]], format(count_params(model), big.mark = ","),
              format(by_hand, big.mark = ","), seconds_per_epoch[[kind]], scores$accuracy))
}

# %% [markdown]
# ## 6. Predict
#
# Ten probabilities per digit; the most probable class is the reader's answer. **Look for** the
# digits the two readers confuse: the confusion matrices count true digits down, answers across.

# %%
first <- seq_len(settings$n_predictions)
predictions <- list()
for (kind in names(readers)) {
  probabilities <- readers[[kind]][[1]] |> predict(x_test, verbose = 0)
  predicted <- max.col(probabilities, ties.method = "first") - 1   # columns count from 1, digits from 0
  test[[paste0(kind, "_confusion_matrix")]] <- workshop_confusion_matrix(y_test, predicted)
  predictions[[paste0(kind, "_classes")]] <- I(predicted[first])
  predictions[[paste0(kind, "_probabilities")]] <- probabilities[first, , drop = FALSE]
  cat(readers[[kind]][[2]], "predicted:", head(predicted, 10), " true:", head(y_test, 10), "\n")
}
test$n <- length(y_test)
predictions$labels <- I(y_test[first])
test$bilstm_confusion_matrix

# %% [markdown]
# ## 7. Look at the two readers side by side
#
# Validation accuracy after each epoch, then test accuracy and the time an epoch took. The
# gain in accuracy is usually small; the price in time is a second pass over the rows.

# %%
COLOURS <- c(lstm = "#1f77b4", bilstm = "#ff7f0e")

plot_validation_accuracy <- function(histories) {
  curves <- lapply(histories, function(history) history$metrics$val_accuracy)
  epochs <- seq_along(curves[[1]])
  plot(NULL, xlim = range(epochs), ylim = range(unlist(curves)), xlab = "epoch", xaxt = "n",
       ylab = "validation accuracy", main = "Digits read row by row (R)")
  axis(1, at = epochs)
  for (kind in names(curves)) lines(epochs, curves[[kind]], type = "o", pch = 16, col = COLOURS[[kind]])
  legend("bottomright", vapply(readers, `[[`, "", 2), col = COLOURS, lty = 1, pch = 16, bty = "n")
}

plot_accuracy_and_speed <- function(test, seconds_per_epoch) {
  par(mfrow = c(1, 2))
  labels <- vapply(readers, `[[`, "", 2)
  accuracy <- vapply(names(readers), function(kind) test[[paste0(kind, "_accuracy")]], 0)
  centres <- barplot(accuracy, names.arg = labels, col = COLOURS, xpd = FALSE,
                     ylim = c(max(0, min(accuracy) - 0.05), 1), ylab = "test accuracy",
                     main = sprintf("%d test digits (R)", test$n))
  text(centres, accuracy, sprintf("%.3f", accuracy), pos = 3)
  box(bty = "l")
  seconds <- unlist(seconds_per_epoch[names(readers)])
  centres <- barplot(seconds, names.arg = labels, col = COLOURS, ylim = c(0, 1.15 * max(seconds)),
                     ylab = "seconds per epoch", main = "Training time, this run (R)")
  text(centres, seconds, sprintf("%.2f", seconds), pos = 3)
}

histories <- list(lstm = lstm_history, bilstm = bilstm_history)
plot_validation_accuracy(histories)
plot_accuracy_and_speed(test, seconds_per_epoch)

# %% [markdown]
# ## What to take away
#
# - Five types, one cell: only where the inputs go in and the outputs come out changes
#   (`return_sequences`, `layer_repeat_vector()`, an encoder and a decoder).
# - A recurrent layer's weights are U, W and a bias, whatever the length of the sequence.
# - A bidirectional layer doubles the weights and the time and reads the future: fine for a
#   whole image or a closed window of the past, wrong for a forecast that must answer as data come.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes the table, both histories, the scores and the first predictions to
# `outputs/r/rnn_types/results.json`, with the checksum of both readers' weights; the Python twin
# writes the same file under `outputs/python/`, and the last cell sets the two side by side.

# %%
workshop_save(list(
  types = table,
  history = unlist(lapply(names(histories), function(kind) {
    setNames(lapply(histories[[kind]]$metrics, I), paste0(kind, "_", names(histories[[kind]]$metrics)))
  }), recursive = FALSE),
  test = test,
  predictions = predictions
), models = list(lstm, bilstm), timings = list(seconds_per_epoch = seconds_per_epoch), plots = list(
  validation_accuracy.png = list(function() plot_validation_accuracy(histories), width = 600, height = 400),
  accuracy_and_speed.png = list(function() plot_accuracy_and_speed(test, seconds_per_epoch), width = 1000, height = 400)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
