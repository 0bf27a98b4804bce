# Lesson 3: after LeNet, VGG blocks, residual connections and Inception modules (R).
#
# Its twin is python/cnn_architectures.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/cnn_architectures.R --profile quick
# The full profile trains on all of Fashion-MNIST (Debian's dataset-fashion-mnist).
#
# Three small networks, each built from the idea of a famous one and sized for 28x28
# grey images on two CPU cores:
#
# - VGG-style (Simonyan and Zisserman, 2014): stacks of 3x3 convolutions, then pooling.
#   Two 3x3 layers see a 5x5 patch with 2 * 9 = 18 weights per channel pair instead of 25,
#   and put a ReLU between them.
# - Inception-style (Szegedy et al., GoogLeNet, 2014): each module looks through 1x1, 3x3
#   and 5x5 windows and a 3x3 max pool side by side and stacks the four answers; 1x1
#   convolutions first shrink the channels, which keeps the 3x3 and 5x5 branches cheap.
# - Residual (He et al., ResNet, 2015): each block adds its input to the output of two
#   3x3 convolutions, y = relu(F(x) + x), so a block that has nothing to add can pass its
#   input on. When a block halves the size and widens the channels, a strided 1x1
#   convolution (a projection) reshapes x first; global average pooling replaces a big dense head.
# All three put batch normalisation after every convolution, as the later versions of VGG and
# Inception do, so that all three train in the same few epochs and the race compares their wiring.
#
# One fair race. The three, with three yardsticks (LeNet-5 as lesson 2 builds it, lesson 1's
# network, and the keras-io reference convnet, all rebuilt here: a lesson never sources
# another), train on the same images with the same budget: the same epochs, batch size,
# optimiser and learning-rate schedule, each from the same seed. The table gives what each
# costs (parameters, seconds per epoch) and what it buys (test accuracy).
#
# Why residual connections exist. The same 20 weight layers (ResNet-20's depth: a convolution,
# nine pairs of 3x3 convolutions, a dense layer) train twice with SGD, plain and with an identity
# shortcut around every pair, from the same weights on the same batches. With Keras' default
# initialisation each ReLU layer passes on about half of its signal, so without shortcuts the
# gradient at the first layer is orders of magnitude smaller (the foundations lesson's vanishing
# gradient) and the stack barely learns. The ResNet paper's plain networks had batch normalisation
# and healthy gradients, and the deeper ones still trained worse (the degradation problem); the
# shortcuts cure both.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
ops <- keras$ops
tf <- reticulate::import("tensorflow")
`%as%` <- reticulate::`%as%`   # with(tf$GradientTape() %as% tape, {...}) is Python's `with ... as tape:`

LESSON <- "cnn_architectures"

# TABLE I of LeCun et al. (1998), as lesson 2 uses it: for each C3 map, the S2 maps it sees
# (counted from 0, because they index a Python tensor).
C3_TABLE <- list(
  c(0L, 1L, 2L), c(1L, 2L, 3L), c(2L, 3L, 4L), c(3L, 4L, 5L), c(0L, 4L, 5L), c(0L, 1L, 5L),
  c(0L, 1L, 2L, 3L), c(1L, 2L, 3L, 4L), c(2L, 3L, 4L, 5L), c(0L, 3L, 4L, 5L), c(0L, 1L, 4L, 5L), c(0L, 1L, 2L, 5L),
  c(0L, 1L, 3L, 4L), c(1L, 2L, 4L, 5L), c(0L, 2L, 3L, 5L),
  0:5
)
# The sizes of the three new networks (channels), in one place for the tests to count by hand.
VGG_BLOCKS <- list(c(16L, 1L), c(32L, 2L), c(64L, 2L))     # (channels, 3x3 convolutions), then a 2x2 max pool
VGG_DENSE <- 128L
INCEPTION_STEM <- c(16L, 48L)                              # a 3x3 convolution and a 2x2 max pool each: 28 -> 14 -> 7
INCEPTION_MODULES <- list(                                 # 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection
  inception_a = c(32L, 32L, 48L, 8L, 16L, 16L),            # -> 112 channels at 7x7
  inception_b = c(48L, 32L, 64L, 8L, 16L, 16L)             # -> 144 channels at 7x7
)
RESIDUAL_STEM <- 32L                                       # a 3x3 convolution and a 2x2 max pool: 28 -> 14
RESIDUAL_BLOCKS <- list(c(32L, 1L), c(64L, 2L), c(128L, 2L))   # (channels, stride): 14x14, 7x7, 4x4


# Step 1. The networks. Every one starts from the raw 0..255 pixels and scales them itself.
# One assignment per layer, never a pipe: each layer draws its initial weights' seed when it
# is created, so R must create the layers in Python's order.
grey_input <- function(scale = 1 / 255, offset = 0) {
  inputs <- keras$Input(shape = c(28L, 28L), name = "pixels")
  x <- layers$Rescaling(scale, offset = offset, name = "scale")(inputs)
  list(inputs = inputs, x = layers$Reshape(c(28L, 28L, 1L), name = "channel")(x))
}


# Yardstick 1: LeNet-5 as lesson 2 builds it, C3 wired by TABLE I.
c3_map <- function(s2, j) {
  maps <- C3_TABLE[[j + 1L]]
  picked <- layers$Lambda(function(x) ops$take(x, maps, axis = -1L), name = sprintf("s2_for_c3_%02d", j))(s2)
  layers$Conv2D(1L, 5L, activation = "tanh", name = sprintf("c3_%02d", j))(picked)
}

build_lenet5 <- function() {
  input <- grey_input(1.275 / 255, offset = -0.1)                           # the paper's -0.1..1.175
  x <- layers$ZeroPadding2D(2L, name = "pad_to_32")(input$x)
  x <- layers$Conv2D(6L, 5L, activation = "tanh", name = "c1")(x)
  s2 <- layers$AveragePooling2D(2L, name = "s2")(x)
  x <- layers$Concatenate(name = "c3")(lapply(0:15, function(j) c3_map(s2, j)))
  x <- layers$AveragePooling2D(2L, name = "s4")(x)
  x <- layers$Conv2D(120L, 5L, activation = "tanh", name = "c5")(x)
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dense(84L, activation = "tanh", name = "f6")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "lenet5")
}


# Yardsticks 2 and 3: lesson 1's network, and the keras-io "simple MNIST convnet" it was measured against.
build_cnn_mnist <- function() {
  input <- grey_input()
  x <- layers$Conv2D(32L, 3L, activation = "relu", name = "conv1")(input$x)
  x <- layers$MaxPooling2D(2L, name = "pool1")(x)
  x <- layers$Conv2D(64L, 3L, activation = "relu", name = "conv2")(x)
  x <- layers$MaxPooling2D(2L, name = "pool2")(x)
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dropout(0.25, name = "dropout1")(x)
  x <- layers$Dense(128L, activation = "relu", name = "dense")(x)
  x <- layers$Dropout(0.5, name = "dropout2")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "cnn_mnist")
}

build_reference <- function() {
  input <- grey_input()
  x <- layers$Conv2D(32L, 3L, activation = "relu", name = "conv1")(input$x)
  x <- layers$MaxPooling2D(2L, name = "pool1")(x)
  x <- layers$Conv2D(64L, 3L, activation = "relu", name = "conv2")(x)
  x <- layers$MaxPooling2D(2L, name = "pool2")(x)
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dropout(0.5, name = "dropout")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "reference")
}


# The step the three new networks share: convolution, batch normalisation (Ioffe and Szegedy, 2015),
# ReLU, in ResNet's order. The convolution has no bias: BN's shift is one.
conv_bn <- function(x, filters, kernel, strides, name, relu = TRUE) {
  x <- layers$Conv2D(filters, kernel, strides = strides, padding = "same", use_bias = FALSE,
                     name = paste0(name, "_conv"))(x)
  x <- layers$BatchNormalization(name = paste0(name, "_bn"))(x)
  if (relu) layers$ReLU(name = paste0(name, "_relu"))(x) else x
}


# VGG: a block is n 3x3 convolutions that keep the size ("same" padding), then a 2x2 max pool.
vgg_block <- function(x, filters, n_convs, name) {
  for (k in seq_len(n_convs)) x <- conv_bn(x, filters, 3L, 1L, sprintf("%s_conv%d", name, k))
  layers$MaxPooling2D(2L, name = paste0(name, "_pool"))(x)
}

build_vgg <- function() {
  input <- grey_input()
  x <- input$x
  for (k in seq_along(VGG_BLOCKS)) {                                        # 28 -> 14 -> 7 -> 3
    x <- vgg_block(x, VGG_BLOCKS[[k]][[1L]], VGG_BLOCKS[[k]][[2L]], paste0("block", k))
  }
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dropout(0.5, name = "dropout1")(x)                            # VGG's head: dense layers with dropout
  x <- layers$Dense(VGG_DENSE, activation = "relu", name = "dense")(x)
  x <- layers$Dropout(0.5, name = "dropout2")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "vgg")
}


# Inception: four branches see the same input through different windows; their outputs are stacked.
inception_module <- function(x, filters, name) {
  one <- conv_bn(x, filters[[1L]], 1L, 1L, paste0(name, "_1x1"))
  three <- conv_bn(x, filters[[2L]], 1L, 1L, paste0(name, "_3x3_reduce"))
  three <- conv_bn(three, filters[[3L]], 3L, 1L, paste0(name, "_3x3"))
  five <- conv_bn(x, filters[[4L]], 1L, 1L, paste0(name, "_5x5_reduce"))
  five <- conv_bn(five, filters[[5L]], 5L, 1L, paste0(name, "_5x5"))
  pool <- layers$MaxPooling2D(3L, strides = 1L, padding = "same", name = paste0(name, "_pool"))(x)
  pool <- conv_bn(pool, filters[[6L]], 1L, 1L, paste0(name, "_pool_projection"))
  layers$Concatenate(name = name)(list(one, three, five, pool))
}

build_inception <- function() {
  input <- grey_input()
  x <- input$x
  for (k in seq_along(INCEPTION_STEM)) {                                    # GoogLeNet's stem: plain convolutions first
    x <- conv_bn(x, INCEPTION_STEM[[k]], 3L, 1L, paste0("stem", k))
    x <- layers$MaxPooling2D(2L, name = sprintf("stem%d_pool", k))(x)
  }
  for (name in names(INCEPTION_MODULES)) x <- inception_module(x, INCEPTION_MODULES[[name]], name)
  x <- layers$GlobalAveragePooling2D(name = "average")(x)                   # GoogLeNet's head: average, dropout, dense
  x <- layers$Dropout(0.3, name = "dropout")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "inception")
}


# Residual: two conv_bn steps, and the input added back before the last ReLU.
# relu(F(x) + shortcut(x)): the identity when the shapes match, else a strided 1x1 projection.
residual_block <- function(x, filters, strides, name) {
  y <- conv_bn(x, filters, 3L, strides, paste0(name, "_a"))
  y <- conv_bn(y, filters, 3L, 1L, paste0(name, "_b"), relu = FALSE)
  channels <- rev(x$shape)[[1L]]
  shortcut <- if (strides == 1L && channels == filters) x else
    conv_bn(x, filters, 1L, strides, paste0(name, "_projection"), relu = FALSE)
  y <- layers$Add(name = paste0(name, "_add"))(list(y, shortcut))
  layers$ReLU(name = paste0(name, "_out"))(y)
}

build_residual <- function() {
  input <- grey_input()
  x <- conv_bn(input$x, RESIDUAL_STEM, 3L, 1L, "stem")
  x <- layers$MaxPooling2D(2L, name = "stem_pool")(x)                       # -> 14x14
  for (k in seq_along(RESIDUAL_BLOCKS)) {
    x <- residual_block(x, RESIDUAL_BLOCKS[[k]][[1L]], RESIDUAL_BLOCKS[[k]][[2L]], paste0("block", k))
  }
  x <- layers$GlobalAveragePooling2D(name = "average")(x)                   # one number per channel: no big dense head
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = "residual")
}

# The race, in order: the three yardsticks, then the three ideas by year.
NETWORKS <- list(
  lenet5 = list(label = "LeNet-5 (1998)", build = build_lenet5),
  cnn_mnist = list(label = "lesson 1's CNN", build = build_cnn_mnist),
  reference = list(label = "keras-io convnet", build = build_reference),
  vgg = list(label = "VGG-style (2014)", build = build_vgg),
  inception = list(label = "Inception-style (2014)", build = build_inception),
  residual = list(label = "residual (2015)", build = build_residual)
)


# Step 2. The race: each network from the same seed, on the same images, for the same epochs,
# and one budget for all: the loss, optimiser and schedule (cosine decay to 0) of lesson 1,
# compile_classifier in R/steps.R.
race <- function(data, config) {
  runs <- list()
  for (key in names(NETWORKS)) {
    seed_everything(config$seed, config$threads)
    with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
      model <- NETWORKS[[key]]$build() |> compile_classifier(config, n_train = length(data$y_train))
    })
    clock <- stopwatch()
    history <- train(model, data, config) |> history_lists()
    seconds <- clock()
    scores <- evaluate_classifier(model, data, config)
    runs[[key]] <- c(list(key = key, label = NETWORKS[[key]]$label, model = model, history = history,
                          seconds_per_epoch = seconds / config$epochs), scores)
    cat(sprintf("%s: test accuracy %.4f, %.1f s per epoch\n", runs[[key]]$label, scores$test$accuracy, seconds / config$epochs))
  }
  runs
}


# Step 4. Why residual connections exist: one deep stack, trained with and without shortcuts.
# The depth experiment's part of the spec, checked: whole numbers, and no more images than there are.
depth_settings <- function(config, n_rows) {
  depth <- config$depth
  for (key in c("n_train", "epochs", "batch_size", "blocks", "width", "probe_every")) {
    depth[[key]] <- whole_number(depth[[key]], 1L) %||% workshop_error(sprintf(
      "shared_data/spec.json sets depth.%s to %s for the %s profile of %s: use a whole number above 0.",
      key, to_json(config$depth[[key]]), config$profile, LESSON))
  }
  if (depth$n_train > n_rows) {
    workshop_error(sprintf(
      "The depth experiment asks for %d training images, but the %s profile has only %d: lower depth.n_train in the spec.",
      depth$n_train, config$profile, as.integer(n_rows)))
  }
  depth
}

# A first convolution, `blocks` pairs of 3x3 convolutions and a dense layer: 2 * blocks + 2 weight layers.
# With shortcuts, each pair's input is added to its output. Add has no weights, so from the
# same seed both stacks start from the same weights: the shortcuts are the only difference.
build_deep_stack <- function(shortcuts, depth) {
  width <- depth$width
  input <- grey_input()
  x <- layers$Conv2D(width, 3L, padding = "same", activation = "relu", name = "first_conv")(input$x)
  x <- layers$MaxPooling2D(2L, name = "pool")(x)                            # 14x14: enough to show the mechanism
  for (k in seq_len(depth$blocks)) {
    y <- layers$Conv2D(width, 3L, padding = "same", activation = "relu", name = sprintf("block%d_conv_a", k))(x)
    y <- layers$Conv2D(width, 3L, padding = "same", name = sprintf("block%d_conv_b", k))(y)
    if (shortcuts) y <- layers$Add(name = sprintf("block%d_add", k))(list(y, x))
    x <- layers$ReLU(name = sprintf("block%d_out", k))(y)
  }
  x <- layers$GlobalAveragePooling2D(name = "average")(x)
  outputs <- layers$Dense(10L, activation = "softmax", name = "output")(x)
  keras$Model(input$inputs, outputs, name = if (shortcuts) "deep_residual" else "deep_plain")
}

# The length of the loss gradient with respect to the first convolution's weights.
first_layer_gradient_norm <- function(model, x, y) {
  kernel <- model$get_layer("first_conv")$kernel
  with(tf$GradientTape() %as% tape, {
    loss <- ops$mean(keras$losses$sparse_categorical_crossentropy(y, model(x)))
  })
  ops$sqrt(ops$sum(ops$square(tape$gradient(loss, kernel))))$numpy()
}

# Both stacks, batch by batch in the file's order (its images are shuffled already), with plain SGD
# and momentum as the ResNet paper trains: Adam's per-weight step sizes would hide a small gradient.
depth_experiment <- function(data, config) {
  depth <- depth_settings(config, length(data$y_train))
  x <- data$x_train[seq_len(depth$n_train), , , drop = FALSE]
  y <- as.array(data$y_train[seq_len(depth$n_train)])
  probe <- seq_len(min(depth$batch_size, depth$n_train))                   # one fixed batch to measure on
  probe_x <- x[probe, , , drop = FALSE]
  probe_y <- as.array(y[probe])
  runs <- list()
  for (shortcuts in c(FALSE, TRUE)) {
    seed_everything(config$seed, config$threads)
    with(distribution_strategy(config)$scope(), {
      model <- build_deep_stack(shortcuts, depth)
      model$compile(optimizer = keras$optimizers$SGD(learning_rate = depth$learning_rate, momentum = 0.9),
                    loss = "sparse_categorical_crossentropy")
    })
    losses <- numeric()
    gradients <- first_layer_gradient_norm(model, probe_x, probe_y)
    clock <- stopwatch()
    for (epoch in seq_len(depth$epochs)) {
      for (start in seq(1L, depth$n_train, by = depth$batch_size)) {
        batch <- start:min(start + depth$batch_size - 1L, depth$n_train)
        losses <- c(losses, model$train_on_batch(x[batch, , , drop = FALSE], as.array(y[batch])))
        if (length(losses) %% depth$probe_every == 0L) gradients <- c(gradients, first_layer_gradient_norm(model, probe_x, probe_y))
      }
    }
    runs[[model$name]] <- list(key = model$name, model = model, loss = losses, gradient = gradients, seconds = clock())
    cat(sprintf("%s: first-layer gradient %.3g at the start, training loss %.4f at the end\n", model$name,
                gradients[[1L]], mean(utils::tail(losses, depth$probe_every))))
  }
  list(depth = depth, runs = runs)
}


# Step 5. One results file for every network: flat names, network by network.
collect <- function(runs, depth_runs, data, config) {
  first <- seq_len(config$n_predictions)
  history <- list()
  test <- list(n = length(data$y_test), n_train = length(data$y_train))
  predictions <- list(labels = I(data$y_test[first]))
  for (run in runs) {
    for (metric in names(run$history)) history[[paste0(run$key, "_", metric)]] <- run$history[[metric]]
    test[[paste0(run$key, "_params")]] <- as.integer(run$model$count_params())
    test[[paste0(run$key, "_accuracy")]] <- run$test$accuracy
    test[[paste0(run$key, "_loss")]] <- run$test$loss
    predictions[[paste0(run$key, "_classes")]] <- run$predictions$classes
  }
  test$residual_confusion_matrix <- runs$residual$test$confusion_matrix
  predictions$residual_probabilities <- runs$residual$predictions$probabilities
  for (run in depth_runs) {
    history[[paste0(run$key, "_loss")]] <- I(run$loss)
    history[[paste0(run$key, "_first_layer_gradient")]] <- I(run$gradient)
    test[[paste0(run$key, "_first_layer_gradient_at_start")]] <- run$gradient[[1L]]
  }
  list(history = history, test = test, predictions = predictions)
}

race_table <- function(runs) {
  lines <- sprintf("%-24s%11s%9s%15s", "network", "parameters", "s/epoch", "test accuracy")
  for (run in runs) {
    lines <- c(lines, sprintf("%-24s%11s%9.1f%14.2f%%", run$label,
                              formatC(run$model$count_params(), format = "d", big.mark = ","),
                              run$seconds_per_epoch, 100 * run$test$accuracy))
  }
  paste(lines, collapse = "\n")
}


# Step 6. Pictures: what each network costs and buys, its validation curve, and the two deep stacks.
plot_race <- function(runs, path) {
  labels <- vapply(runs, `[[`, "", "label")
  columns <- list(
    "parameters (thousands)" = vapply(runs, function(run) run$model$count_params() / 1000, 0),
    "seconds per epoch" = vapply(runs, `[[`, 0, "seconds_per_epoch"),
    "test accuracy (%)" = vapply(runs, function(run) 100 * run$test$accuracy, 0))
  colours <- grDevices::palette.colors(length(runs) + 1L)[-1L]
  save_figure(path, 1300L, 360L, {
    graphics::par(mfrow = c(1L, 3L), mar = c(4, 11, 3, 1), cex = 1.1)
    for (title in names(columns)) {
      values <- columns[[title]]
      accuracy <- startsWith(title, "test")
      bars <- graphics::barplot(rev(values), names.arg = rev(labels), horiz = TRUE, las = 1L, col = rev(colours),
                                xlim = if (accuracy) c(min(values) - 5, 100) else c(0, 1.15 * max(values)),
                                xpd = FALSE, main = paste(title, "(R)"))
      graphics::text(rev(values), bars, sprintf(if (accuracy) " %.1f" else " %.0f", rev(values)), adj = 0, cex = 0.8)
    }
  })
}

plot_validation <- function(runs, path) {
  curves <- lapply(runs, function(run) 100 * run$history$val_accuracy)
  colours <- grDevices::palette.colors(length(runs) + 1L)[-1L]
  save_figure(path, 650L, 400L, {
    plot(NULL, xlim = c(1, max(lengths(curves))), ylim = range(unlist(curves)), xlab = "epoch",
         ylab = "validation accuracy (%)", main = "The race, epoch by epoch (R)", xaxt = "n")
    graphics::axis(1L, at = seq_len(max(lengths(curves))))
    for (k in seq_along(curves)) graphics::lines(seq_along(curves[[k]]), curves[[k]], type = "o", pch = 16L, col = colours[[k]])
    graphics::legend("bottomright", vapply(runs, `[[`, "", "label"), col = colours, lty = 1L, pch = 16L, cex = 0.8, bty = "n")
  })
}

plot_depth <- function(depth_runs, depth, path) {
  colours <- c(deep_plain = "#d62728", deep_residual = "#2ca02c")
  names <- c(deep_plain = "plain", deep_residual = "with shortcuts")
  save_figure(path, 1100L, 400L, {
    graphics::par(mfrow = c(1L, 2L))
    losses <- lapply(depth_runs, `[[`, "loss")
    plot(NULL, xlim = c(1, max(lengths(losses))), ylim = range(unlist(losses), log(10)), xlab = "training step",
         ylab = "training loss", main = sprintf("%d weight layers, SGD (R)", 2L * depth$blocks + 2L))
    for (run in depth_runs) graphics::lines(seq_along(run$loss), run$loss, col = colours[[run$key]])
    graphics::abline(h = log(10), col = "grey", lty = 3L)
    graphics::legend("bottomleft", c(names, "guessing: ln 10"), col = c(colours, "grey"), lty = c(1L, 1L, 3L), bty = "n")
    gradients <- lapply(depth_runs, `[[`, "gradient")
    plot(NULL, xlim = c(0, depth$probe_every * (max(lengths(gradients)) - 1L)), ylim = range(unlist(gradients)),
         log = "y", xlab = "training step", ylab = "gradient length", main = "Gradient at the first layer (R)")
    for (run in depth_runs) graphics::lines(depth$probe_every * (seq_along(run$gradient) - 1L), run$gradient,
                                            type = "o", pch = 16L, col = colours[[run$key]])
    graphics::legend("right", names, col = colours, lty = 1L, pch = 16L, bty = "n")
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- load_images(config)
  depth_settings(config, length(data$y_train))                              # a bad spec is refused before any training
  distribution_strategy(config)                                             # --distribute may split the devices: before any model
  fit_clock <- stopwatch()
  runs <- race(data, config)
  deep <- depth_experiment(data, config)
  fit_seconds <- fit_clock()
  results <- collect(runs, deep$runs, data, config)
  cat(race_table(runs), "\n")
  models <- c(lapply(runs, `[[`, "model"), lapply(deep$runs, `[[`, "model"))
  what <- if (config$dataset == "fashion") "item" else "digit"
  path <- write_results(config, c(
    list(lesson = LESSON, config = config), results,
    list(model = models_summary(unname(models)), weights_sha256 = do.call(weights_sha256, unname(models)),
         timings = list(fit_seconds = fit_seconds, total_seconds = clock(),
                        seconds_per_epoch = lapply(runs, `[[`, "seconds_per_epoch"),
                        depth_seconds = lapply(deep$runs, `[[`, "seconds")),
         versions = versions())
  ), plots = list(
    race.png = function(p) plot_race(runs, p),
    validation_accuracy.png = function(p) plot_validation(runs, p),
    depth.png = function(p) plot_depth(deep$runs, deep$depth, p),
    confusion_matrix.png = function(p) plot_confusion(results$test$residual_confusion_matrix, p, what)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
