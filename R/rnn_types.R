# Lesson 6: the slides' RNN types as Keras models, and a bidirectional LSTM reading digits (R).
#
# Its twin is python/rnn_types.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/rnn_types.R --profile quick
#
# Part 1, the five RNN types of the slides, as small untrained models whose shapes and
# parameter counts the lesson checks against the closed forms below (x inputs per step,
# h units, k outputs, T steps in, T' steps out; the sizes are "types" in the spec):
#     one-to-one            x -> k              Dense(h) then Dense(k): no recurrence at all
#     one-to-many           x -> T' x k         RepeatVector(T') feeds the one input at every step
#     many-to-one           T x x -> k          the RNN's last state, read once
#     many-to-many, equal   T x x -> T x k      return_sequences = TRUE: one output per input step
#     many-to-many, unequal T x x -> T' x k     encoder's last state -> RepeatVector(T') -> decoder
# The weights of a recurrent layer do not depend on T: the three middle types hold the same
# parameters and differ only in how the steps are wired.
#
# Part 2, a bidirectional RNN. Each MNIST digit is read as a sequence of its 28 rows of 28
# pixels (many-to-one): an LSTM reads the rows top to bottom; a Bidirectional LSTM runs a
# second LSTM bottom to top and joins both last states. Same data, seeds, optimiser, epochs.
#
# Why bidirectional is right here and wrong for forecasting: a bidirectional layer reads the
# sequence from both ends, so what it says about step t has seen every step after t. For an
# image the whole sequence is known before the question is asked (the bottom rows are as much
# data as the top ones), so reading it bottom-up too is fair, and can help: a reader going
# down must carry the top rows (where a 4 and a 9 differ) across the whole digit, while one
# going up reads them last. A forecast is made at time t, when t + 1, t + 2, ... do not
# exist yet. A forecaster that answers at every step (many-to-many along the series, or live,
# one new value at a time) would need, at step t, the very future it is asked to predict:
# trained on whole series it peeks, shines in the back-test and cannot run live. The rule:
# a bidirectional layer may read only what is known when the answer is due (a closed window
# of past values is, as the image is; the months after it are not).
#
# Parameters (checked by hand in the tests):
#     SimpleRNN(h) on x inputs   h(h + x) + h
#     LSTM(h) on x inputs        4(h(h + x) + h)       four blocks: three gates and the candidate
#     Bidirectional(LSTM(h))     2 * 4(h(h + x) + h)   two LSTMs; output width 2h (concatenated)
#     Dense(k) on w inputs       k(w + 1)

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers

LESSON <- "rnn_types"

TYPES <- c(   # the slides' five types, each with what it is for
  one_to_one = "image classification: one picture in, one class out",
  one_to_many = "image captioning, music generation: one input, a sequence out",
  many_to_one = "sentiment of a review, forecasting one value: a sequence in, one answer out",
  many_to_many_equal = "tagging each frame or word: one output per input step",
  many_to_many_unequal = "translation, a 12-month forecast: read it all, then write another length"
)
READERS <- c(lstm = "LSTM", bilstm = "Bidirectional LSTM")
TYPE_SIZES <- c("features", "units", "steps_in", "steps_out", "outputs")


# Refuse sizes in the spec's "types" that no model can have, before anything is built.
check_types <- function(config) {
  types <- config$types
  if (!is.list(types) || !setequal(names(types), TYPE_SIZES) || length(types) != length(TYPE_SIZES)) {
    workshop_error(sprintf(
      "shared_data/spec.json must give %s a \"types\" entry with exactly %s: restore that entry.",
      config$lesson, paste(TYPE_SIZES, collapse = ", ")))
  }
  for (key in TYPE_SIZES) {
    value <- whole_number(types[[key]], 1L)
    if (is.null(value)) {
      workshop_error(sprintf("shared_data/spec.json sets types.%s to %s for %s: use a whole number above 0.",
                             key, to_json(types[[key]]), config$lesson))
    }
    config$types[[key]] <- as.integer(value)
  }
  config
}


# The closed forms of the header: the lesson records them beside Keras' own counts.
rnn_params <- function(h, x) h * (h + x) + h

dense_params <- function(k, w) k * (w + 1L)

# A whole reader: the LSTM (two for the bidirectional one) and the softmax over 10 digits.
reader_params <- function(kind, h, x = 28L) {
  lstm <- 4L * rnn_params(h, x)
  switch(kind, lstm = lstm + dense_params(10L, h), bilstm = 2L * lstm + dense_params(10L, 2L * h))
}


# Step 1. The five types. One small model each, wired as the slides draw them; every
# layer has a name, so the model summary reads like the picture.
build_type <- function(name, types) {
  x <- types$features
  h <- types$units
  if (name %in% c("one_to_one", "one_to_many")) {
    inputs <- keras$Input(shape = list(x), name = "x")
  } else {
    inputs <- keras$Input(shape = c(types$steps_in, x), name = "x")
  }
  hidden <- switch(name,
    one_to_one = layers$Dense(h, activation = "tanh", name = "hidden")(inputs),   # h = tanh(Ux + b), no h(t-1)
    one_to_many = {
      repeated <- layers$RepeatVector(types$steps_out, name = "repeat")(inputs)   # the one input at every step
      layers$SimpleRNN(h, return_sequences = TRUE, name = "rnn")(repeated)
    },
    many_to_one = layers$SimpleRNN(h, name = "rnn")(inputs),                       # only the last state
    many_to_many_equal = layers$SimpleRNN(h, return_sequences = TRUE, name = "rnn")(inputs),   # every state
    many_to_many_unequal = {
      summary <- layers$SimpleRNN(h, name = "encoder")(inputs)                    # the input read to its end
      repeated <- layers$RepeatVector(types$steps_out, name = "repeat")(summary)  # handed to each output step
      layers$SimpleRNN(h, return_sequences = TRUE, name = "decoder")(repeated)
    })
  outputs <- layers$Dense(types$outputs, name = "y")(hidden)                      # per step when hidden is a sequence
  keras$Model(inputs, outputs, name = name)
}

# Input shape, output shape and parameters of a type, from the closed forms (no batch axis).
type_by_hand <- function(name, types) {
  x <- types$features
  h <- types$units
  t_in <- types$steps_in
  t_out <- types$steps_out
  k <- types$outputs
  head <- dense_params(k, h)
  switch(name,
    one_to_one = list(x, k, dense_params(h, x) + head),
    one_to_many = list(x, c(t_out, k), rnn_params(h, x) + head),
    many_to_one = list(c(t_in, x), k, rnn_params(h, x) + head),
    many_to_many_equal = list(c(t_in, x), c(t_in, k), rnn_params(h, x) + head),
    many_to_many_unequal = list(c(t_in, x), c(t_out, k), rnn_params(h, x) + rnn_params(h, h) + head))
}

# Build each type, run two examples through it, and record what went in and came out.
describe_types <- function(types) {
  models <- list()
  table <- list()
  for (name in names(TYPES)) {
    model <- build_type(name, types)
    by_hand <- type_by_hand(name, types)
    produced <- model(array(1, dim = c(2L, by_hand[[1L]])))   # two examples: the batch axis stays visible
    table[[name]] <- list(example = TYPES[[name]],
                          input_shape = I(vapply(model$input$shape[-1L], as.integer, 0L)),
                          output_shape = I(as.integer(unlist(produced$shape$as_list())[-1L])),
                          params = as.integer(model$count_params()), params_by_hand = as.integer(by_hand[[3L]]))
    models[[name]] <- model
  }
  list(models = unname(models), table = table)
}


# Step 2. Reading a digit row by row: 28 steps of 28 pixels, many-to-one. The two readers
# differ only in the recurrent layer; the seed is reset before each, so both start alike.
build_reader <- function(kind, config) {
  recurrent <- layers$LSTM(config$units, name = "lstm")
  if (kind == "bilstm") {
    recurrent <- layers$Bidirectional(recurrent, name = "bidirectional")   # a second LSTM reads bottom-up
  }
  keras$Sequential(list(
    keras$Input(shape = c(28L, 28L)),                # 28 rows (the steps) of 28 pixels (the inputs per step)
    layers$Rescaling(1 / 255, name = "scale"),       # scaling lives in the model: one place
    recurrent,                                       # its last state (both last states, side by side)
    layers$Dense(10L, activation = "softmax", name = "digit")
  ), name = kind)
}

# Each reader is compiled as lesson 1's CNN is: Adam, with the learning rate decaying to 0 on a
# cosine (compile_classifier in R/steps.R).
compare_readers <- function(data, config) {
  runs <- list()
  for (kind in names(READERS)) {
    seed_everything(config$seed, config$threads)
    with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
      model <- build_reader(kind, config) |> compile_classifier(config, n_train = length(data$y_train))
    })
    clock <- stopwatch()
    history <- train(model, data, config) |> history_lists()
    seconds <- clock()
    runs[[kind]] <- c(list(kind = kind, model = model, history = history, fit_seconds = seconds,
                           seconds_per_epoch = seconds / config$epochs),
                      evaluate_classifier(model, data, config))
  }
  unname(runs)
}


# Step 3. One results file: the types' counts, then each reader's history, scores and predictions.
collect <- function(table, runs, config) {
  history <- list()
  test <- list()
  predictions <- list()
  for (name in names(table)) test[[paste0(name, "_params")]] <- table[[name]]$params
  for (run in runs) {
    kind <- run$kind
    for (metric in c("loss", "accuracy", "val_loss", "val_accuracy")) {
      history[[paste0(kind, "_", metric)]] <- run$history[[metric]]
    }
    test[[paste0(kind, "_params")]] <- as.integer(run$model$count_params())
    test[[paste0(kind, "_params_by_hand")]] <- as.integer(reader_params(kind, config$units))
    for (metric in c("loss", "accuracy", "confusion_matrix")) test[[paste0(kind, "_", metric)]] <- run$test[[metric]]
    predictions[[paste0(kind, "_classes")]] <- run$predictions$classes
    predictions[[paste0(kind, "_probabilities")]] <- run$predictions$probabilities
  }
  test$n <- runs[[1L]]$test$n
  predictions$labels <- runs[[1L]]$predictions$labels
  list(types = table, history = history, test = test, predictions = predictions)
}

# The trained models, in training order: their weights are the checksum's.
models_of <- function(runs) lapply(runs, `[[`, "model")

summary_table <- function(results, runs) {
  lines <- sprintf("%-22s%10s%10s%8s%9s  %s", "type", "input", "output", "params", "by hand", "what it is for")
  for (name in names(results$types)) {
    row <- results$types[[name]]
    lines <- c(lines, sprintf("%-22s%10s%10s%8d%9d  %s", name, paste(row$input_shape, collapse = "x"),
                              paste(row$output_shape, collapse = "x"), row$params, row$params_by_hand, row$example))
  }
  test <- results$test
  lines <- c(lines, "", sprintf("%-20s%8s%9s%9s%15s", "reader", "params", "by hand", "s/epoch", "test accuracy"))
  for (run in runs) {
    lines <- c(lines, sprintf("%-20s%8s%9s%9.2f%15.4f", READERS[[run$kind]],
                              format(test[[paste0(run$kind, "_params")]], big.mark = ","),
                              format(test[[paste0(run$kind, "_params_by_hand")]], big.mark = ","),
                              run$seconds_per_epoch, test[[paste0(run$kind, "_accuracy")]]))
  }
  paste(lines, collapse = "\n")
}


# Step 4. Pictures: validation accuracy per epoch, then test accuracy and speed side by side.
COLOURS <- c(lstm = "#1f77b4", bilstm = "#ff7f0e")

plot_validation_accuracy <- function(results, path) {
  save_figure(path, 600L, 400L, {
    curves <- lapply(names(READERS), function(kind) results$history[[paste0(kind, "_val_accuracy")]])
    epochs <- seq_along(curves[[1L]])
    plot(NULL, xlim = range(epochs), ylim = range(unlist(curves)), xlab = "epoch", xaxt = "n",
         ylab = "validation accuracy", main = "Digits read row by row (R)")
    graphics::axis(1L, at = epochs)
    for (k in seq_along(curves)) graphics::lines(epochs, curves[[k]], type = "o", pch = 16L, col = COLOURS[[k]])
    graphics::legend("bottomright", READERS, col = COLOURS, lty = 1L, pch = 16L, bty = "n")
  })
}

plot_accuracy_and_speed <- function(results, seconds_per_epoch, path) {
  save_figure(path, 1000L, 400L, {
    graphics::par(mfrow = c(1L, 2L))
    accuracy <- vapply(names(READERS), function(kind) results$test[[paste0(kind, "_accuracy")]], 0)
    centres <- graphics::barplot(accuracy, names.arg = READERS, col = COLOURS, xpd = FALSE,
                                 ylim = c(max(0, min(accuracy) - 0.05), 1), ylab = "test accuracy",
                                 main = sprintf("%d test digits (R)", as.integer(results$test$n)))
    graphics::text(centres, accuracy, sprintf("%.3f", accuracy), pos = 3L)
    graphics::box(bty = "l")
    seconds <- unlist(seconds_per_epoch[names(READERS)])
    centres <- graphics::barplot(seconds, names.arg = READERS, col = COLOURS, ylim = c(0, 1.15 * max(seconds)),
                                 ylab = "seconds per epoch", main = "Training time, this run (R)")
    graphics::text(centres, seconds, sprintf("%.2f", seconds), pos = 3L)
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args) |> check_types()
  data <- load_images(config)
  seed_everything(config$seed, config$threads)
  distribution_strategy(config)   # before the first model: --distribute may split the devices
  types <- describe_types(config$types)
  runs <- compare_readers(data, config)
  results <- collect(types$table, runs, config)
  cat(summary_table(results, runs), "\n")
  seconds_per_epoch <- stats::setNames(lapply(runs, `[[`, "seconds_per_epoch"), vapply(runs, `[[`, "", "kind"))
  path <- write_results(config, c(
    list(lesson = LESSON, config = config), results,
    list(model = models_summary(c(types$models, models_of(runs))),
         weights_sha256 = do.call(weights_sha256, models_of(runs)),
         timings = list(fit_seconds = sum(vapply(runs, `[[`, 0, "fit_seconds")), total_seconds = clock(),
                        seconds_per_epoch = seconds_per_epoch),
         versions = versions())
  ), plots = list(
    validation_accuracy.png = function(p) plot_validation_accuracy(results, p),
    accuracy_and_speed.png = function(p) plot_accuracy_and_speed(results, seconds_per_epoch, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
