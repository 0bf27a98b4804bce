# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 1: a convolutional network reads handwritten digits (R)
#
# **You will** load images of handwritten digits, build a small convolutional network with Keras,
# train it, and judge it on digits it has never seen. Along the way you meet the four calls that
# every Keras project is made of: `compile()`, `fit()`, `evaluate()` and `predict()`.
#
# This file is a script and a notebook at once. Run it line by line in RStudio (Ctrl+Enter),
# whole with `Rscript R/cnn_mnist.R` (add `--profile full` for the real run, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. It is written in keras3's
# vocabulary; its Python twin, `python/cnn_mnist.py`, takes the same steps in the same order,
# with the same names, and trains the very same network.

# %%
library(workshop)                          # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("cnn_mnist")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# The first two lines are the only workshop code before the end of the lesson. `workshop_start()`
# reads the settings of the chosen profile from `shared_data/spec.json` and seeds R, Python, NumPy
# and TensorFlow, so that this run and Python's give the same numbers to the last bit. In your own
# project, `library(keras3)` and `set_random_seed(42)` do the same.
#
# ## 1. The data
#
# Each image is 28 x 28 grey pixels from 0 (black) to 255 (white), and its label is the digit
# 0 to 9. The workshop reads its offline copy of MNIST and checks it against its checksums; in
# your own project, keras3's `dataset_mnist()` gives the same kind of list. Three parts: the
# network learns from the training images, we watch the validation images during training, and
# the test images stay unseen until the end.

# %%
mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y
cat("training images:", dim(x_train), " labels:", head(y_train, 10), "\n")
cat("validation:", dim(x_val), " test:", dim(x_test), "\n")

# %% [markdown]
# ## 2. The model
#
# Two rounds of convolution and max pooling: the first convolution's 32 small 3 x 3 kernels
# learn edges, the second's 64 combine them into strokes, and each pooling halves the size of
# the maps. A dense layer then weighs the strokes, and softmax turns ten scores into ten
# probabilities. The pixels go in raw: `layer_rescaling()` inside the model scales them to 0..1,
# so the scaling travels with the model. Dropout switches off a random part of the units during
# training, which keeps the network from learning the training images by heart.

# %%
model <- keras_model_sequential(input_shape = c(28, 28), name = "cnn_mnist") |>
  layer_rescaling(1 / 255) |>
  layer_reshape(c(28, 28, 1)) |>                           # one grey channel
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>   # -> 26 x 26 x 32
  layer_max_pooling_2d(pool_size = 2) |>                   # -> 13 x 13 x 32
  layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu") |>   # -> 11 x 11 x 64
  layer_max_pooling_2d(pool_size = 2) |>                   # -> 5 x 5 x 64
  layer_flatten() |>                                       # -> 1600
  layer_dropout(rate = 0.25) |>
  layer_dense(units = 128, activation = "relu") |>
  layer_dropout(rate = 0.5) |>
  layer_dense(units = 10, activation = "softmax")
summary(model)

# %% [markdown]
# **Look at** the summary before training: each row is a layer, its output shape and its number
# of weights. Work one out by hand: the first convolution has 32 kernels of 3 x 3 x 1 weights
# plus one bias each, 32 x 10 = 320. Almost all the weights sit in the first dense layer
# (1600 x 128 + 128 = 204,928).
#
# ## 3. Compile: the loss, the optimizer, the metric
#
# The labels are whole numbers 0..9, so the loss is `sparse_categorical_crossentropy` (with
# one-hot labels it would be `categorical_crossentropy`). Adam adapts each weight's step size;
# its learning rate follows a cosine from the spec's value down to 0 over all the training steps:
# big steps while the network is far off, small ones as it settles.

# %%
steps_per_epoch <- ceiling(length(y_train) / settings$batch_size)
schedule <- learning_rate_schedule_cosine_decay(
  settings$learning_rate, decay_steps = steps_per_epoch * settings$epochs)
model |> compile(
  optimizer = optimizer_adam(learning_rate = schedule),
  loss = "sparse_categorical_crossentropy",
  metrics = "accuracy"
)

# %% [markdown]
# ## 4. Fit
#
# One epoch is one pass over the training images, in shuffled batches; after each update the
# weights move a little against the gradient of the loss. `verbose = 2` prints one line per epoch.
# **Look for** the validation accuracy rising with the training accuracy: when training keeps
# improving and validation stops, the network has started to memorise.

# %%
history <- model |> fit(
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = settings$epochs,
  batch_size = settings$batch_size,
  verbose = 2
)

# %%
plot(history)

# %% [markdown]
# ## 5. Evaluate on images the network has never seen
#
# The test images played no part in training or in any choice we made, so their accuracy is the
# honest estimate of how the network does on new digits. Chance is 10%.

# %%
scores <- model |> evaluate(x_test, y_test, verbose = 0)
cat(sprintf("Test accuracy on %d unseen images: %.4f (loss %.4f)\n", length(y_test), scores$accuracy, scores$loss))

# %% [markdown]
# ## 6. Predict
#
# `predict()` gives ten probabilities per image; the most probable class is the network's answer.
# The confusion matrix counts, for each true digit (a row), which digit the network said (a
# column): the diagonal holds the right answers, and the largest number off it is the mistake
# the network makes most.

# %%
probabilities <- model |> predict(x_test, verbose = 0)
predicted <- max.col(probabilities, ties.method = "first") - 1   # columns count from 1, digits from 0
cat("predicted:", head(predicted, 10), "\n")
cat("true:     ", head(y_test, 10), "\n")
confusion <- table(true = factor(y_test, levels = 0:9), predicted = factor(predicted, levels = 0:9))
confusion

# %% [markdown]
# ## 7. Look at what it learned
#
# The first convolution's 32 kernels after training (white is a large positive weight, black a
# large negative one; many look like small edge detectors), and one test digit as it looks after
# each convolution: the first maps still show the digit, the second ones respond to parts of it.

# %%
show_image <- function(image, zlim = range(image)) {   # row 1 on top, as the image is stored
  if (diff(zlim) == 0) zlim <- zlim + c(0, 1)
  image(t(image[nrow(image):1, , drop = FALSE]), zlim = zlim, axes = FALSE, useRaster = TRUE,
        col = gray.colors(64, start = 0, end = 1, gamma = 1))
  box(col = "grey70")
}

plot_learned_filters <- function(kernels) {   # kernels: 3 x 3 x 1 x 32, on one grey scale around 0
  top <- max(abs(kernels))
  par(mfrow = c(4, 8), mar = c(0.3, 0.3, 0.3, 0.3), oma = c(0, 0, 2, 0))
  for (k in seq_len(dim(kernels)[4])) show_image(kernels[, , 1, k], c(-top, top))
  mtext("The first convolution's 32 kernels after training (R)", outer = TRUE, line = 0.5)
}

plot_feature_maps <- function(digit, maps, n_maps = 8) {   # the digit, then conv 1 (top), conv 2 (bottom)
  par(mfrow = c(2, n_maps + 1), mar = c(0.3, 0.3, 1.2, 0.3), oma = c(0, 0, 1.5, 0))
  for (row in seq_along(maps)) {
    if (row == 1) show_image(digit) else plot.new()
    for (k in seq_len(n_maps)) {
      show_image(maps[[row]][1, , , k])
      title(sprintf("conv%d map %d", row, k), cex.main = 0.6, font.main = 1)
    }
  }
  mtext("One test digit after each convolution: bright = strong response (R)", outer = TRUE, cex = 0.8)
}

convolutions <- Filter(function(layer) class(layer)[1] == "keras.src.layers.convolutional.conv2d.Conv2D", model$layers)
kernels <- get_weights(convolutions[[1]])[[1]]
probe <- keras_model(model$inputs, lapply(convolutions, function(conv) conv$output))   # the same weights, two outputs
maps <- probe |> predict(x_test[1, , , drop = FALSE], verbose = 0)
plot_learned_filters(kernels)
plot_feature_maps(x_test[1, , ], maps)

# %% [markdown]
# ## What to take away
#
# - A Keras project is data, a model, `compile()` (loss, optimizer, metrics), `fit()`,
#   `evaluate()` on held-out data, and `predict()`. The same five calls train every network of
#   this workshop.
# - Convolutions share a few small kernels across the whole image, which is why this network
#   needs 225,034 weights where a dense layer on raw pixels would need far more per unit.
# - Judge a model on data it never saw, and read its mistakes, not only its accuracy.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes everything above to `outputs/r/cnn_mnist/results.json` with its
# pictures; the Python twin writes the same file under `outputs/python/`, and
# `./workshop compare cnn_mnist` (or the last cell) sets the two side by side, value by value.

# %%
n_maps <- 8
features <- list(
  digit = x_test[1, , ], digit_label = y_test[[1]],
  conv1_kernels = lapply(seq_len(dim(kernels)[4]), function(k) kernels[, , 1, k]),
  feature_maps = lapply(maps, function(m) lapply(seq_len(n_maps), function(k) m[1, , , k]))
)
first <- seq_len(settings$n_predictions)
workshop_save(list(
  test = list(loss = scores$loss, accuracy = scores$accuracy, n = length(y_test),
              confusion_matrix = unclass(confusion)),
  predictions = list(labels = I(y_test[first]), classes = I(predicted[first]), probabilities = probabilities[first, ]),
  features = features
), model = model, history = history, plots = list(
  confusion_matrix.png = function(path) workshop_plot_confusion(unclass(confusion), path),
  learned_filters.png = list(function() plot_learned_filters(kernels), width = 800, height = 440),
  feature_maps.png = list(function() plot_feature_maps(x_test[1, , ], maps), width = 900, height = 260)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
