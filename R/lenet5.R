# Lesson 2: LeNet-5, as LeCun, Bottou, Bengio and Haffner built it in 1998 (R).
#
# Its twin is python/lenet5.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/lenet5.R --profile quick
#
# The layers, as the slides and the paper name them:
#
#     input 32x32  ->  C1 6@28x28  ->  S2 6@14x14  ->  C3 16@10x10  ->  S4 16@5x5
#                  ->  C5 120      ->  F6 84       ->  output 10
#
# C3 is the interesting one. Its 16 maps do not all see the 6 maps of S2: TABLE I
# of the paper says which ones each sees. Maps 0-5 see 3 neighbouring S2 maps,
# maps 6-11 see 4 neighbours, maps 12-14 see 4 non-neighbours and map 15 sees
# all 6: 60 connections instead of 96. The paper gives two reasons: it keeps the
# number of connections within bounds, and it breaks the symmetry, so different
# C3 maps are forced to learn different features. Each connection is a 5x5
# kernel and each map has one bias, so C3 has 60 * 25 + 16 = 1,516 parameters
# rather than the 96 * 25 + 16 = 2,416 of a full convolution. The lesson builds
# it literally: for each C3 map, pick its S2 maps and convolve them.
#
# Where this lesson differs from the paper, and why:
# - The paper squashes with a scaled tanh, 1.7159 * tanh(2/3 * a); we use plain
#   tanh, which has the same shape and trains the same way with Adam.
# - S2 and S4 in the paper multiply the 2x2 average by a trainable coefficient,
#   add a trainable bias and squash it (12 and 32 parameters); we use plain
#   average pooling, which has no parameters.
# - The paper's output layer is 10 Euclidean RBF units compared to fixed 7x12
#   bitmaps of the digits; we use a 10-way softmax with cross-entropy, which is
#   what every modern LeNet-5 does.
# - The paper trains with a stochastic diagonal Levenberg-Marquardt method for
#   20 passes over 60,000 digits; we use Adam on the shipped 4,000-digit subset.
# The paper's input scaling is kept: white background -0.1, black ink 1.175.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
ops <- keras$ops

LESSON <- "lenet5"

# TABLE I of LeCun et al. (1998): for each C3 map, the S2 maps it sees
# (counted from 0, because they index a Python tensor).
C3_TABLE <- list(
  c(0L, 1L, 2L), c(1L, 2L, 3L), c(2L, 3L, 4L), c(3L, 4L, 5L), c(0L, 4L, 5L), c(0L, 1L, 5L),
  c(0L, 1L, 2L, 3L), c(1L, 2L, 3L, 4L), c(2L, 3L, 4L, 5L), c(0L, 3L, 4L, 5L), c(0L, 1L, 4L, 5L), c(0L, 1L, 2L, 5L),
  c(0L, 1L, 3L, 4L), c(1L, 2L, 4L, 5L), c(0L, 2L, 3L, 5L),
  0:5
)


# Step 1. The model, layer by layer as in the paper.
# C3 map j: a 5x5 convolution over only the S2 maps TABLE I gives it.
c3_map <- function(s2, j) {
  maps <- C3_TABLE[[j + 1L]]
  picked <- layers$Lambda(function(x) ops$take(x, maps, axis = -1L), name = sprintf("s2_for_c3_%02d", j))(s2)
  layers$Conv2D(1L, 5L, activation = "tanh", name = sprintf("c3_%02d", j))(picked)
}

# One assignment per layer, not a pipe: R would evaluate `layer()(x |> ...)` outside-in,
# creating the layers last to first, and each layer draws its initial weights' seed when
# it is created, so the order must be Python's.
build_model <- function() {
  inputs <- keras$Input(shape = c(28L, 28L), name = "pixels")                  # raw pixels, 0..255
  x <- layers$Rescaling(1.275 / 255, offset = -0.1, name = "scale")(inputs)    # the paper's -0.1..1.175
  x <- layers$Reshape(c(28L, 28L, 1L), name = "channel")(x)
  x <- layers$ZeroPadding2D(2L, name = "pad_to_32")(x)                         # the paper's 32x32 input
  x <- layers$Conv2D(6L, 5L, activation = "tanh", name = "c1")(x)              # -> 28x28x6
  s2 <- layers$AveragePooling2D(2L, name = "s2")(x)                            # -> 14x14x6
  x <- layers$Concatenate(name = "c3")(lapply(0:15, function(j) c3_map(s2, j)))  # -> 10x10x16
  x <- layers$AveragePooling2D(2L, name = "s4")(x)                             # -> 5x5x16
  x <- layers$Conv2D(120L, 5L, activation = "tanh", name = "c5")(x)            # -> 1x1x120, each unit sees all of S4
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dense(84L, activation = "tanh", name = "f6")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(inputs, outputs, name = LESSON)
}

# Parameters per paper layer: the 16 c3_NN convolutions count together as C3.
layer_params <- function(model) {
  names <- vapply(model$layers, function(layer) sub("^c3_.*", "c3", layer$name), "")
  params <- vapply(model$layers, function(layer) as.integer(layer$count_params()), 0L)
  counts <- tapply(params, factor(names, levels = unique(names)), sum)
  as.list(counts[counts > 0L])
}


# Step 2. Loss, optimiser and metric, from the shared spec.
compile_model <- function(model, config) {
  model$compile(
    optimizer = keras$optimizers$Adam(learning_rate = config$learning_rate),
    loss = "sparse_categorical_crossentropy",
    metrics = list("accuracy")
  )
  model
}


# Step 4. Judge it on the test images, as every classifier in the workshop is judged
# (R/steps.R). The paper reports errors, so the error rate is added.
evaluate <- function(model, data, config) {
  scores <- evaluate_classifier(model, data, config)
  scores$test$error_rate <- 1 - scores$test$accuracy
  scores
}


# Step 5. Pictures: the learning curves, the confusion matrix, and what C1 learned to look for.
plot_c1_kernels <- function(model, path) {
  kernels <- model$get_layer("c1")$get_weights()[[1]]   # 5 x 5 x 1 x 6
  save_figure(path, 900L, 190L, {
    graphics::par(mfrow = c(1L, 6L), mar = c(0.5, 0.5, 2, 0.5), oma = c(0, 0, 1.5, 0))
    for (k in 1:6) {
      kernel <- kernels[, , 1L, k]
      # image() puts row 1 at the bottom; flip so the kernel reads as Python shows it.
      graphics::image(t(kernel[5:1, ]), col = grDevices::gray.colors(64L, 0, 1), axes = FALSE,
                      main = sprintf("C1 map %d", k - 1L))
    }
    graphics::mtext("The six 5x5 kernels of C1 (R)", outer = TRUE)
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- load_images(config)
  seed_everything(config$seed, config$threads)
  with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
    model <- build_model() |> compile_model(config)
  })
  model$summary()
  cat("Parameters per layer:", paste(names(layer_params(model)), layer_params(model), sep = "=", collapse = ", "), "\n")
  # Step 3. Train with the fit loop every lesson shares (R/steps.R).
  fit_clock <- stopwatch()
  history <- train(model, data, config) |> history_lists()
  fit_seconds <- fit_clock()
  scores <- evaluate(model, data, config)
  cat(sprintf("Test accuracy on %d unseen images: %.4f (error %.2f%%; LeCun et al. report 0.95%% on full MNIST)\n",
              scores$test$n, scores$test$accuracy, 100 * scores$test$error_rate))
  path <- write_results(config, c(
    list(lesson = LESSON), scores,
    training_record(config, history, model, fit_seconds, clock())
  ), plots = list(
    training_curves.png = function(p) plot_history(history, p, "LeNet-5"),
    confusion_matrix.png = function(p) plot_confusion(scores$test$confusion_matrix, p),
    c1_kernels.png = function(p) plot_c1_kernels(model, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
