# Lesson 1: a convolutional network on MNIST digits (R).
#
# Its twin is python/cnn_mnist.py: the same steps, in the same order, with the same names.
# Run from the workshop folder:  Rscript R/cnn_mnist.R --profile quick

source("R/helpers.R")  # sets TensorFlow's environment, so it comes before keras
keras <- import_keras()
layers <- keras$layers

LESSON <- "cnn_mnist"


# Step 1. The model: two rounds of convolution + ReLU + max pooling learn
# edges, then strokes; a dense layer combines them; softmax gives 10 probabilities.
build_model <- function() {
  keras$Sequential(list(
    keras$Input(shape = c(28L, 28L)),                  # raw pixels, 0..255
    layers$Rescaling(1 / 255),                         # scaling lives in the model: one place
    layers$Reshape(c(28L, 28L, 1L)),                   # one grey channel
    layers$Conv2D(32L, 3L, activation = "relu"),       # 32 filters of 3x3 -> 26x26x32
    layers$MaxPooling2D(2L),                           # -> 13x13x32
    layers$Conv2D(64L, 3L, activation = "relu"),       # -> 11x11x64
    layers$MaxPooling2D(2L),                           # -> 5x5x64
    layers$Flatten(),                                  # -> 1600
    layers$Dropout(0.25),
    layers$Dense(128L, activation = "relu"),
    layers$Dropout(0.5),                               # regularises: the slides' dropout
    layers$Dense(10L, activation = "softmax")
  ), name = LESSON)
}


# Step 2. Loss, optimiser and metric, from the shared spec. The learning rate
# follows a cosine from its start value down to 0: big steps while the model
# is far off, small ones as it settles.
compile_model <- function(model, config, n_train) {
  steps <- as.integer(ceiling(n_train / config$batch_size) * config$epochs)
  schedule <- keras$optimizers$schedules$CosineDecay(config$learning_rate, decay_steps = steps)
  model$compile(
    optimizer = keras$optimizers$Adam(learning_rate = schedule),
    loss = "sparse_categorical_crossentropy",
    metrics = list("accuracy")
  )
  model
}


# Step 3. Train, watching the held-out validation rows after every epoch.
train <- function(model, data, config) {
  model$fit(
    data$x_train, data$y_train,
    validation_data = list(data$x_val, data$y_val),
    epochs = as.integer(config$epochs), batch_size = as.integer(config$batch_size),
    shuffle = TRUE, verbose = 2L
  )
}


# Step 4. Judge it on the test images it has never seen.
confusion_matrix <- function(truth, predicted, n_classes = 10L) {
  counts <- table(factor(truth, levels = 0:(n_classes - 1L)),
                  factor(predicted, levels = 0:(n_classes - 1L)))
  matrix(as.integer(counts), n_classes, n_classes)
}

evaluate <- function(model, data, config) {
  scores <- model$evaluate(data$x_test, data$y_test, verbose = 0L)
  probabilities <- model$predict(data$x_test, verbose = 0L)
  predicted <- max.col(probabilities, ties.method = "first") - 1L
  first <- seq_len(config$n_predictions)
  list(
    test = list(loss = scores[[1]], accuracy = scores[[2]],
                n = length(data$y_test),
                confusion_matrix = confusion_matrix(data$y_test, predicted)),
    predictions = list(labels = I(data$y_test[first]),
                       classes = I(predicted[first]),
                       probabilities = probabilities[first, , drop = FALSE])
  )
}


# Step 5. Pictures: the learning curves (drawn by plot_history in R/helpers.R) and where the mistakes are.
plot_confusion <- function(counts, path) {
  grDevices::png(path, width = 500, height = 450, type = "cairo")
  on.exit(grDevices::dev.off())
  n <- nrow(counts)
  # image() draws column 1 at the bottom; flip so the true digit 0 is on top, as in Python.
  graphics::image(0:(n - 1L), 0:(n - 1L), t(counts[n:1, ]), col = grDevices::hcl.colors(20L, "Blues", rev = TRUE),
                  axes = FALSE, xlab = "predicted digit", ylab = "true digit", main = "Confusion matrix (R)")
  graphics::axis(1L, at = 0:(n - 1L))
  graphics::axis(2L, at = 0:(n - 1L), labels = (n - 1L):0)
  graphics::text(rep(0:(n - 1L), each = n), rep((n - 1L):0, n), counts, cex = 0.7)
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- load_images(config)
  seed_everything(config$seed, config$threads)
  model <- build_model() |> compile_model(config, n_train = length(data$y_train))
  model$summary()
  fit_clock <- stopwatch()
  history <- train(model, data, config) |> history_lists()
  fit_seconds <- fit_clock()
  scores <- evaluate(model, data, config)
  cat(sprintf("Test accuracy on %d unseen images: %.4f\n", scores$test$n, scores$test$accuracy))
  path <- write_results(config, c(
    list(lesson = LESSON), scores,
    training_record(config, history, model, fit_seconds, clock())
  ), plots = list(
    training_curves.png = function(p) plot_history(history, p, "CNN on MNIST"),
    confusion_matrix.png = function(p) plot_confusion(scores$test$confusion_matrix, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
