# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 3: after LeNet, VGG blocks, Inception modules and residual connections (R)
#
# **You will** build three small networks, each from the idea of a famous one, race them against
# three yardsticks on the same images with the same budget, and see with your own numbers why
# residual connections let deep networks learn. Each new network puts batch normalisation after
# every convolution, so that all three train in the same few epochs and the race compares their
# wiring. The quick profile runs on MNIST digits; the full one on all of Fashion-MNIST.
#
# This file is a script and a notebook at once: run it line by line in RStudio, whole with
# `Rscript R/cnn_architectures.R` (`--help` for the options), or open it in JupyterLab. Its Python
# twin, `python/cnn_architectures.py`, takes the same steps with the same names.

# %%
library(workshop)                                     # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("cnn_architectures")       # the options, the spec's settings, one seed for R and Python

tf <- reticulate::import("tensorflow")                # its GradientTape, in section 6 (library(tensorflow) in your project)
`%as%` <- reticulate::`%as%`

# %% [markdown]
# ## 1. The data
#
# 28 x 28 grey images and their labels 0 to 9, as in lesson 1. The depth experiment of section 6
# takes its own sizes from the spec; the workshop checks them now, before anything trains.

# %%
images <- workshop_images(settings)
x_train <- images$train$x
y_train <- images$train$y
x_val <- images$val$x
y_val <- images$val$y
x_test <- images$test$x
y_test <- images$test$y
depth <- workshop_depth_settings(settings, length(y_train))
cat("training images:", dim(x_train), " validation:", dim(x_val), " test:", dim(x_test), "\n")

# %% [markdown]
# ## 2. The models: three yardsticks
#
# LeNet-5 as lesson 2 builds it, lesson 1's network, and the keras-io "simple MNIST convnet", each
# rebuilt here with the functional API (a lesson never sources another). Every network starts
# from the raw 0..255 pixels and scales them itself, in `grey_input()`.

# %%
grey_input <- function(scale = 1 / 255, offset = 0) {
  inputs <- keras_input(shape = c(28, 28), name = "pixels")
  x <- inputs |>
    layer_rescaling(scale = scale, offset = offset, name = "scale") |>
    layer_reshape(c(28, 28, 1), name = "channel")
  list(inputs = inputs, x = x)
}

# TABLE I of LeCun et al. (1998), as in lesson 2: for each C3 map, the S2 maps it sees (from 1)
C3_TABLE <- list(
  c(1, 2, 3), c(2, 3, 4), c(3, 4, 5), c(4, 5, 6), c(1, 5, 6), c(1, 2, 6),
  c(1, 2, 3, 4), c(2, 3, 4, 5), c(3, 4, 5, 6), c(1, 4, 5, 6), c(1, 2, 5, 6), c(1, 2, 3, 6),
  c(1, 2, 4, 5), c(2, 3, 5, 6), c(1, 3, 4, 6),
  c(1, 2, 3, 4, 5, 6)
)

c3_map <- function(s2, maps, name) {
  s2 |>
    layer_lambda(function(x) op_take(x, maps, axis = -1), name = paste0("s2_for_", name)) |>
    layer_conv_2d(filters = 1, kernel_size = 5, activation = "tanh", name = name)
}

build_lenet5 <- function() {
  input <- grey_input(1.275 / 255, offset = -0.1)
  s2 <- input$x |>
    layer_zero_padding_2d(padding = 2, name = "pad_to_32") |>
    layer_conv_2d(filters = 6, kernel_size = 5, activation = "tanh", name = "c1") |>
    layer_average_pooling_2d(pool_size = 2, name = "s2")
  outputs <- lapply(seq_along(C3_TABLE), function(j) c3_map(s2, C3_TABLE[[j]], sprintf("c3_%02d", j - 1))) |>
    layer_concatenate(name = "c3") |>
    layer_average_pooling_2d(pool_size = 2, name = "s4") |>
    layer_conv_2d(filters = 120, kernel_size = 5, activation = "tanh", name = "c5") |>
    layer_flatten(name = "flatten") |>
    layer_dense(units = 84, activation = "tanh", name = "f6") |>
    layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = "lenet5")
}

# Lesson 1's network; without its dense layer and with one dropout of 0.5, the keras-io convnet.
build_cnn_mnist <- function(dropout = c(0.25, 0.5), dense = TRUE, name = "cnn_mnist") {
  input <- grey_input()
  x <- input$x |>
    layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu", name = "conv1") |>
    layer_max_pooling_2d(pool_size = 2, name = "pool1") |>
    layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu", name = "conv2") |>
    layer_max_pooling_2d(pool_size = 2, name = "pool2") |>
    layer_flatten(name = "flatten")
  if (dense) {
    x <- x |>
      layer_dropout(rate = dropout[[1]], name = "dropout1") |>
      layer_dense(units = 128, activation = "relu", name = "dense") |>
      layer_dropout(rate = dropout[[2]], name = "dropout2")
  } else {
    x <- x |> layer_dropout(rate = dropout[[1]], name = "dropout")
  }
  outputs <- x |> layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = name)
}

build_reference <- function() build_cnn_mnist(dropout = 0.5, dense = FALSE, name = "reference")

# %% [markdown]
# ## 3. The models: three ideas
#
# - **VGG** (Simonyan and Zisserman, 2014): stacks of 3 x 3 convolutions, then pooling. Two 3 x 3
#   layers see a 5 x 5 patch with 18 weights per channel pair instead of 25, and put a ReLU between.
# - **Inception** (Szegedy et al., GoogLeNet, 2014): each module looks through 1 x 1, 3 x 3 and 5 x 5
#   windows and a 3 x 3 max pool side by side and stacks the four answers; 1 x 1 convolutions
#   first shrink the channels, which keeps the 3 x 3 and 5 x 5 branches cheap.
# - **Residual** (He et al., ResNet, 2015): each block adds its input to the output of two 3 x 3
#   convolutions, y = relu(F(x) + x), so a block with nothing to add can pass its input on. When a
#   block halves the size and widens the channels, a strided 1 x 1 convolution (a projection)
#   reshapes x first; global average pooling replaces a big dense head.
#
# All three are made of one step, `conv_bn()`: convolution, batch normalisation, ReLU.

# %%
conv_bn <- function(x, filters, kernel, strides, name, relu = TRUE) {   # no bias: batch normalisation's shift is one
  x <- x |>
    layer_conv_2d(filters = filters, kernel_size = kernel, strides = strides, padding = "same", use_bias = FALSE,
                  name = paste0(name, "_conv")) |>
    layer_batch_normalization(name = paste0(name, "_bn"))
  if (relu) x |> layer_activation_relu(name = paste0(name, "_relu")) else x
}

vgg_block <- function(x, filters, n_convs, name) {
  for (k in seq_len(n_convs)) x <- conv_bn(x, filters, 3, 1, sprintf("%s_conv%d", name, k))
  x |> layer_max_pooling_2d(pool_size = 2, name = paste0(name, "_pool"))
}

build_vgg <- function() {
  input <- grey_input()
  x <- input$x
  blocks <- list(c(16, 1), c(32, 2), c(64, 2))                              # 28 -> 14 -> 7 -> 3
  for (k in seq_along(blocks)) x <- vgg_block(x, blocks[[k]][[1]], blocks[[k]][[2]], paste0("block", k))
  outputs <- x |>
    layer_flatten(name = "flatten") |>
    layer_dropout(rate = 0.5, name = "dropout1") |>                       # VGG's head: dense layers with dropout
    layer_dense(units = 128, activation = "relu", name = "dense") |>
    layer_dropout(rate = 0.5, name = "dropout2") |>
    layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = "vgg")
}

inception_module <- function(x, filters, name) {   # filters: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection
  one <- conv_bn(x, filters[[1]], 1, 1, paste0(name, "_1x1"))
  three <- conv_bn(x, filters[[2]], 1, 1, paste0(name, "_3x3_reduce")) |>
    conv_bn(filters[[3]], 3, 1, paste0(name, "_3x3"))
  five <- conv_bn(x, filters[[4]], 1, 1, paste0(name, "_5x5_reduce")) |>
    conv_bn(filters[[5]], 5, 1, paste0(name, "_5x5"))
  pool <- x |>
    layer_max_pooling_2d(pool_size = 3, strides = 1, padding = "same", name = paste0(name, "_pool")) |>
    conv_bn(filters[[6]], 1, 1, paste0(name, "_pool_projection"))
  layer_concatenate(list(one, three, five, pool), name = name)
}

build_inception <- function() {
  input <- grey_input()
  x <- input$x
  stem <- c(16, 48)                                                          # GoogLeNet's stem: 28 -> 14 -> 7
  for (k in seq_along(stem)) {
    x <- conv_bn(x, stem[[k]], 3, 1, paste0("stem", k)) |>
      layer_max_pooling_2d(pool_size = 2, name = sprintf("stem%d_pool", k))
  }
  outputs <- x |>
    inception_module(c(32, 32, 48, 8, 16, 16), "inception_a") |>            # -> 112 channels
    inception_module(c(48, 32, 64, 8, 16, 16), "inception_b") |>            # -> 144 channels
    layer_global_average_pooling_2d(name = "average") |>
    layer_dropout(rate = 0.3, name = "dropout") |>
    layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = "inception")
}

# relu(F(x) + shortcut(x)): the identity when the shapes match, else a strided 1x1 projection.
residual_block <- function(x, filters, strides, name) {
  y <- conv_bn(x, filters, 3, strides, paste0(name, "_a")) |>
    conv_bn(filters, 3, 1, paste0(name, "_b"), relu = FALSE)
  channels <- rev(x$shape)[[1]]
  shortcut <- if (strides == 1 && channels == filters) x else
    conv_bn(x, filters, 1, strides, paste0(name, "_projection"), relu = FALSE)
  layer_add(list(y, shortcut), name = paste0(name, "_add")) |>
    layer_activation_relu(name = paste0(name, "_out"))
}

RESIDUAL_BLOCKS <- list(c(32, 1), c(64, 2), c(128, 2))   # (channels, stride): 14 x 14, 7 x 7, 4 x 4

build_residual <- function() {
  input <- grey_input()
  x <- conv_bn(input$x, 32, 3, 1, "stem") |>
    layer_max_pooling_2d(pool_size = 2, name = "stem_pool")                 # -> 14 x 14
  for (k in seq_along(RESIDUAL_BLOCKS)) {
    x <- residual_block(x, RESIDUAL_BLOCKS[[k]][[1]], RESIDUAL_BLOCKS[[k]][[2]], paste0("block", k))
  }
  outputs <- x |>
    layer_global_average_pooling_2d(name = "average") |>                    # one number per channel
    layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = "residual")
}

# %% [markdown]
# ## 4. Compile and fit: one fair race
#
# Each network from the same seed, on the same images, with the same budget and lesson 1's
# compile (Adam, its learning rate following a cosine down to 0), written out in full there and
# wrapped here in `train()`. **Look for** the epoch logs: on the quick profile's 500 digits and one
# epoch, the networks with batch normalisation have barely started (their validation accuracy may
# stay near chance while its running statistics settle); the full profile gives them the epochs.

# %%
train <- function(model) {
  steps_per_epoch <- ceiling(length(y_train) / settings$batch_size)
  schedule <- learning_rate_schedule_cosine_decay(
    settings$learning_rate, decay_steps = steps_per_epoch * settings$epochs)
  model |> compile(optimizer = optimizer_adam(learning_rate = schedule),
                   loss = "sparse_categorical_crossentropy", metrics = "accuracy")
  model |> fit(x_train, y_train, validation_data = list(x_val, y_val),
               epochs = settings$epochs, batch_size = settings$batch_size, verbose = 2)
}

NETWORKS <- list(   # the yardsticks, then the three ideas by year
  lenet5 = list(label = "LeNet-5 (1998)", build = build_lenet5), cnn_mnist = list(label = "lesson 1's CNN", build = build_cnn_mnist),
  reference = list(label = "keras-io convnet", build = build_reference), vgg = list(label = "VGG-style (2014)", build = build_vgg),
  inception = list(label = "Inception-style (2014)", build = build_inception), residual = list(label = "residual (2015)", build = build_residual)
)

# %%
runs <- list()
for (key in names(NETWORKS)) {
  set_random_seed(settings$seed)   # every network from the same seed
  model <- NETWORKS[[key]]$build()
  cat(NETWORKS[[key]]$label, ":\n", sep = "")
  started <- Sys.time()
  history <- train(model)
  runs[[key]] <- list(label = NETWORKS[[key]]$label, model = model, history = history$metrics,
                      seconds_per_epoch = as.numeric(Sys.time() - started, units = "secs") / settings$epochs)
}

# %%
summary(runs$residual$model)

# %% [markdown]
# ## 5. Evaluate and predict: what each network costs and buys
#
# **Look for** the price of each idea: parameters and seconds per epoch against test accuracy.
# On a few hundred digits and one epoch the order is noisy; on Fashion-MNIST (the full profile)
# the three new networks beat the yardsticks, and residual wins.

# %%
cat(sprintf("%-24s%11s%9s%15s\n", "network", "parameters", "s/epoch", "test accuracy"))
for (key in names(runs)) {
  run <- runs[[key]]
  scores <- run$model |> evaluate(x_test, y_test, verbose = 0)
  run[c("loss", "accuracy")] <- scores[c("loss", "accuracy")]
  run$probabilities <- run$model |> predict(x_test, verbose = 0)
  run$classes <- max.col(run$probabilities, ties.method = "first") - 1   # columns count from 1, digits from 0
  cat(sprintf("%-24s%11s%9.1f%14.2f%%\n", run$label, formatC(count_params(run$model), format = "d", big.mark = ","),
              run$seconds_per_epoch, 100 * run$accuracy))
  runs[[key]] <- run
}
confusion <- table(true = factor(y_test, levels = 0:9), predicted = factor(runs$residual$classes, levels = 0:9))
confusion

# %% [markdown]
# ## 6. Why residual connections exist
#
# The same 20 weight layers (ResNet-20's depth: a convolution, nine pairs of 3 x 3 convolutions,
# a dense layer) train twice with SGD, plain and with an identity shortcut around every pair,
# from the same weights on the same batches, in the file's order. With Keras' default
# initialisation each ReLU layer passes on about half of its signal, so without shortcuts the
# gradient at the first layer is orders of magnitude smaller (the foundations lesson's vanishing
# gradient) and the stack barely learns. `train_on_batch()` takes one step at a time, so that the
# gradient can be measured between steps with a `GradientTape`.

# %%
build_deep_stack <- function(shortcuts, depth) {
  width <- depth$width
  input <- grey_input()
  x <- input$x |>
    layer_conv_2d(filters = width, kernel_size = 3, padding = "same", activation = "relu", name = "first_conv") |>
    layer_max_pooling_2d(pool_size = 2, name = "pool")
  for (k in seq_len(depth$blocks)) {
    y <- x |>
      layer_conv_2d(filters = width, kernel_size = 3, padding = "same", activation = "relu", name = sprintf("block%d_conv_a", k)) |>
      layer_conv_2d(filters = width, kernel_size = 3, padding = "same", name = sprintf("block%d_conv_b", k))
    if (shortcuts) y <- layer_add(list(y, x), name = sprintf("block%d_add", k))   # no weights: the same start
    x <- y |> layer_activation_relu(name = sprintf("block%d_out", k))
  }
  outputs <- x |>
    layer_global_average_pooling_2d(name = "average") |>
    layer_dense(units = 10, activation = "softmax", name = "output")
  keras_model(input$inputs, outputs, name = if (shortcuts) "deep_residual" else "deep_plain")
}

# The length of the loss gradient with respect to the first convolution's weights.
first_layer_gradient_norm <- function(model, x, y) {
  kernel <- get_layer(model, "first_conv")$kernel
  with(tf$GradientTape() %as% tape, {
    loss <- op_mean(loss_sparse_categorical_crossentropy(y, model(x)))
  })
  op_sqrt(op_sum(op_square(tape$gradient(loss, kernel))))$numpy()
}

# %%
x <- x_train[seq_len(depth$n_train), , , drop = FALSE]
y <- as.array(y_train[seq_len(depth$n_train)])
probe <- seq_len(min(depth$batch_size, depth$n_train))                     # one fixed batch to measure on
probe_x <- x[probe, , , drop = FALSE]
probe_y <- as.array(y[probe])
deep_runs <- list()
for (shortcuts in c(FALSE, TRUE)) {
  set_random_seed(settings$seed)
  model <- build_deep_stack(shortcuts, depth)
  model |> compile(optimizer = optimizer_sgd(learning_rate = depth$learning_rate, momentum = 0.9),
                   loss = "sparse_categorical_crossentropy")
  losses <- numeric()
  gradients <- first_layer_gradient_norm(model, probe_x, probe_y)
  started <- Sys.time()
  for (epoch in seq_len(depth$epochs)) {
    for (start in seq(1, depth$n_train, by = depth$batch_size)) {
      rows <- start:min(start + depth$batch_size - 1, depth$n_train)
      losses <- c(losses, train_on_batch(model, x[rows, , , drop = FALSE], as.array(y[rows])))
      if (length(losses) %% depth$probe_every == 0) {
        gradients <- c(gradients, first_layer_gradient_norm(model, probe_x, probe_y))
      }
    }
  }
  deep_runs[[model$name]] <- list(model = model, loss = losses, gradient = gradients,
                                  seconds = as.numeric(Sys.time() - started, units = "secs"))
  cat(sprintf("%s: first-layer gradient %.3g at the start, training loss %.4f at the end\n", model$name,
              gradients[[1]], mean(tail(losses, depth$probe_every))))
}

# %% [markdown]
# ## 7. Look at the race and the two deep stacks
#
# **Look for** the gap between the two gradient curves (the y axis is logarithmic) and whether the
# plain stack's loss ever leaves ln 10, the loss of guessing among 10 classes.

# %%
plot_race <- function(runs) {
  labels <- vapply(runs, `[[`, "", "label")
  columns <- list("parameters (thousands)" = vapply(runs, function(run) count_params(run$model) / 1000, 0),
                  "seconds per epoch" = vapply(runs, `[[`, 0, "seconds_per_epoch"),
                  "test accuracy (%)" = vapply(runs, function(run) 100 * run$accuracy, 0))
  colours <- palette.colors(length(runs) + 1)[-1]
  par(mfrow = c(1, 3), mar = c(4, 10.5, 3, 1), cex = 0.8)
  for (title in names(columns)) {
    values <- columns[[title]]
    accuracy <- startsWith(title, "test")
    bars <- barplot(rev(values), names.arg = rev(labels), horiz = TRUE, las = 1, col = rev(colours),
                    xlim = if (accuracy) c(min(values) - 5, 100) else c(0, 1.15 * max(values)),
                    xpd = FALSE, main = paste(title, "(R)"))
    text(rev(values), bars, sprintf(if (accuracy) " %.1f" else " %.0f", rev(values)), adj = 0, cex = 0.8)
  }
}

plot_validation <- function(runs) {
  curves <- lapply(runs, function(run) 100 * run$history$val_accuracy)
  colours <- palette.colors(length(runs) + 1)[-1]
  plot(NULL, xlim = c(1, max(lengths(curves))), ylim = range(unlist(curves)), xlab = "epoch",
       ylab = "validation accuracy (%)", main = "The race, epoch by epoch (R)", xaxt = "n")
  axis(1, at = seq_len(max(lengths(curves))))
  for (k in seq_along(curves)) lines(seq_along(curves[[k]]), curves[[k]], type = "o", pch = 16, col = colours[[k]])
  legend("bottomright", vapply(runs, `[[`, "", "label"), col = colours, lty = 1, pch = 16, cex = 0.8, bty = "n")
}

plot_depth <- function(deep_runs, depth) {
  colours <- c(deep_plain = "#d62728", deep_residual = "#2ca02c")
  labels <- c(deep_plain = "plain", deep_residual = "with shortcuts")
  par(mfrow = c(1, 2))
  losses <- lapply(deep_runs, `[[`, "loss")
  plot(NULL, xlim = c(1, max(lengths(losses))), ylim = range(unlist(losses), log(10)), xlab = "training step",
       ylab = "training loss", main = sprintf("%d weight layers, SGD (R)", 2 * depth$blocks + 2))
  for (name in names(deep_runs)) lines(seq_along(losses[[name]]), losses[[name]], col = colours[[name]])
  abline(h = log(10), col = "grey", lty = 3)
  legend("bottomleft", c(labels, "guessing: ln 10"), col = c(colours, "grey"), lty = c(1, 1, 3), bty = "n")
  gradients <- lapply(deep_runs, `[[`, "gradient")
  plot(NULL, xlim = c(0, depth$probe_every * (max(lengths(gradients)) - 1)), ylim = range(unlist(gradients)),
       log = "y", xlab = "training step", ylab = "gradient length", main = "Gradient at the first layer (R)")
  for (name in names(deep_runs)) lines(depth$probe_every * (seq_along(gradients[[name]]) - 1), gradients[[name]],
                                       type = "o", pch = 16, col = colours[[name]])
  legend("right", labels, col = colours, lty = 1, pch = 16, bty = "n")
}

plot_race(runs)
plot_validation(runs)
plot_depth(deep_runs, depth)

# %% [markdown]
# ## What to take away
#
# - VGG, Inception and ResNet are wiring ideas you can write with a few functions of Keras layers:
#   stacks of 3 x 3 convolutions, parallel branches joined by `layer_concatenate()`, and
#   `layer_add()` shortcuts.
# - Global average pooling keeps one number per channel: the residual network's head has 1,290
#   weights where flattening its 4 x 4 x 128 maps into the same dense layer would need 20,490.
# - Without shortcuts, the gradient that reaches the first layer of a deep stack nearly vanishes;
#   with them, every layer learns.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes every network's scores and curves, under names that start with the
# network's key, to `outputs/r/cnn_architectures/results.json` with the pictures.

# %%
first <- seq_len(settings$n_predictions)
history <- list()
test <- list(n = length(y_test), n_train = length(y_train))
predictions <- list(labels = I(y_test[first]))
for (key in names(runs)) {
  run <- runs[[key]]
  for (metric in names(run$history)) history[[paste0(key, "_", metric)]] <- I(run$history[[metric]])
  test[[paste0(key, "_params")]] <- as.integer(count_params(run$model))
  test[[paste0(key, "_accuracy")]] <- run$accuracy
  test[[paste0(key, "_loss")]] <- run$loss
  predictions[[paste0(key, "_classes")]] <- I(run$classes[first])
}
test$residual_confusion_matrix <- unclass(confusion)
predictions$residual_probabilities <- runs$residual$probabilities[first, ]
for (name in names(deep_runs)) {
  history[[paste0(name, "_loss")]] <- I(deep_runs[[name]]$loss)
  history[[paste0(name, "_first_layer_gradient")]] <- I(deep_runs[[name]]$gradient)
  test[[paste0(name, "_first_layer_gradient_at_start")]] <- deep_runs[[name]]$gradient[[1]]
}
what <- if (settings$dataset == "fashion") "item" else "digit"
workshop_save(list(history = history, test = test, predictions = predictions),
              models = unname(lapply(c(runs, deep_runs), `[[`, "model")),
              timings = list(seconds_per_epoch = lapply(runs, `[[`, "seconds_per_epoch"),
                             depth_seconds = lapply(deep_runs, `[[`, "seconds")), plots = list(
  race.png = list(function() plot_race(runs), width = 1300, height = 360),
  validation_accuracy.png = list(function() plot_validation(runs), width = 650, height = 400),
  depth.png = list(function() plot_depth(deep_runs, depth), width = 1100, height = 400),
  confusion_matrix.png = function(path) workshop_plot_confusion(unclass(confusion), path, what)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
