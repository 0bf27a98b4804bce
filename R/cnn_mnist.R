# Lesson 1: a convolutional network on MNIST digits (R).
#
# Its twin is python/cnn_mnist.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/cnn_mnist.R --profile quick

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
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


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- load_images(config)
  seed_everything(config$seed, config$threads)
  # Step 2. Loss, optimiser and metric, from the shared spec: the cross-entropy of the 10
  # classes, Adam, and a learning rate that follows a cosine from its start value down to 0
  # (compile_classifier in R/steps.R, which every classifier of the workshop shares).
  with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
    model <- build_model() |> compile_classifier(config, n_train = length(data$y_train))
  })
  model$summary()
  # Step 3. Train, watching the held-out validation rows after every epoch. The fit
  # loop is the one every lesson shares, in R/steps.R.
  fit_clock <- stopwatch()
  history <- train(model, data, config) |> history_lists()
  fit_seconds <- fit_clock()
  # Step 4. Judge it on the test images it has never seen: accuracy, the confusion
  # matrix (row i counts the true digit i) and the first few predictions.
  scores <- evaluate_classifier(model, data, config)
  cat(sprintf("Test accuracy on %d unseen images: %.4f\n", scores$test$n, scores$test$accuracy))
  # Step 5. Write the results, with the learning curves and where the mistakes are.
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
