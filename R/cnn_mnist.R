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


# Step 4b. What the trained network learned: the 32 kernels of its first convolution, and one
# test digit's feature maps after each convolution (and its ReLU), the first N_MAPS of each.
# These are the numbers behind the two pictures, so the compare checks them too.
N_MAPS <- 8L

learned_features <- function(model, data) {
  convs <- Filter(function(layer) layer$`__class__`$`__name__` == "Conv2D", model$layers)
  if (length(convs) == 0L) {   # a network without convolutions (the open exercise allows one) shows only the digit
    return(list(digit = data$x_test[1L, , ], digit_label = data$y_test[[1L]], conv1_kernels = list(),
                feature_maps = list()))
  }
  kernels <- convs[[1L]]$get_weights()[[1L]]                               # 3 x 3 x 1 x 32
  probe <- keras$Model(model$inputs, lapply(convs, function(conv) conv$output))
  maps <- probe$predict(data$x_test[1L, , , drop = FALSE], verbose = 0L)   # 26x26x32, 11x11x64
  list(digit = data$x_test[1L, , ], digit_label = data$y_test[[1L]],
       conv1_kernels = lapply(seq_len(dim(kernels)[4L]), function(f) kernels[, , 1L, f]),
       feature_maps = lapply(maps, function(m) lapply(seq_len(min(N_MAPS, dim(m)[4L])), function(f) m[1L, , , f])))
}

# A matrix as a picture, row 1 on top (image() draws column 1 at the bottom), black to white.
show_matrix <- function(m, zlim = range(m)) {
  if (diff(zlim) == 0) zlim <- zlim + c(0, 1)   # a map that is 0 everywhere is drawn black
  graphics::image(t(m[nrow(m):1L, , drop = FALSE]), col = grDevices::gray.colors(64L, start = 0, end = 1, gamma = 1),
                  zlim = zlim, axes = FALSE, useRaster = TRUE)
  graphics::box(col = "grey70")
}

# The kernels on one grey scale, white for the largest positive weight, black for the most negative.
plot_learned_filters <- function(features, path) {
  top <- max(c(abs(unlist(features$conv1_kernels)), 0))
  save_figure(path, 800L, 440L, {
    graphics::par(mfrow = c(4L, 8L), mar = c(0.3, 0.3, 0.3, 0.3), oma = c(0, 0, 2, 0))
    for (kernel in features$conv1_kernels) show_matrix(kernel, c(-top, top))
    graphics::mtext(sprintf("The first layer's %d kernels, 3 x 3, after training (R)", length(features$conv1_kernels)),
                    outer = TRUE, line = 0.5)
  })
}

# The digit, then the first maps after convolution 1 (top) and convolution 2 (bottom).
plot_feature_maps <- function(features, path) {
  save_figure(path, 900L, 260L, {
    graphics::par(mfrow = c(2L, N_MAPS + 1L), mar = c(0.3, 0.3, 1.2, 0.3), oma = c(0, 0, 1.5, 0))
    for (row in seq_along(features$feature_maps)) {
      if (row == 1L) show_matrix(features$digit) else graphics::plot.new()
      if (row == 1L) graphics::title(sprintf("digit %d", features$digit_label), cex.main = 0.8)
      for (k in seq_along(features$feature_maps[[row]])) {
        show_matrix(features$feature_maps[[row]][[k]])
        graphics::title(sprintf("conv%d map %d", row, k), cex.main = 0.6, font.main = 1)
      }
      for (k in seq_len(N_MAPS - length(features$feature_maps[[row]]))) graphics::plot.new()   # fewer filters
    }
    graphics::mtext("One test digit after each convolution: bright = strong response (R)", outer = TRUE, cex = 0.8)
  })
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
  features <- learned_features(model, data)
  # Step 5. Write the results, with the learning curves, where the mistakes are, and what it learned.
  path <- write_results(config, c(
    list(lesson = LESSON), scores, list(features = features),
    training_record(config, history, model, fit_seconds, clock())
  ), plots = list(
    training_curves.png = function(p) plot_history(history, p, "CNN on MNIST"),
    confusion_matrix.png = function(p) plot_confusion(scores$test$confusion_matrix, p),
    learned_filters.png = function(p) plot_learned_filters(features, p),
    feature_maps.png = function(p) plot_feature_maps(features, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
