# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 2: LeNet-5, as LeCun, Bottou, Bengio and Haffner built it in 1998 (R)
#
# **You will** rebuild the network that read the cheques of American banks in the 1990s, layer by
# layer as the paper names them, train it on handwritten digits and count its weights:
#
#     input 32x32 -> C1 6@28x28 -> S2 6@14x14 -> C3 16@10x10 -> S4 16@5x5 -> C5 120 -> F6 84 -> output 10
#
# The new idea is C3: its 16 maps do not all see the 6 maps of S2. You will wire each one by hand,
# with Keras' functional API, where a model is a graph of layers called on tensors.
#
# This file is a script and a notebook at once: run it line by line in RStudio, whole with
# `Rscript R/lenet5.R` (`--help` for the options), or open it in JupyterLab. Its Python twin,
# `python/lenet5.py`, takes the same steps with the same names and trains the very same network.

# %%
library(workshop)                        # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("lenet5")     # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# As in lesson 1, `workshop_start()` reads the chosen profile's settings from
# `shared_data/spec.json` and seeds everything, so that this run and Python's give the same
# numbers to the last bit.
#
# ## 1. The data
#
# The same digits as lesson 1: 28 x 28 grey pixels from 0 to 255, labels 0 to 9, in a training,
# a validation and a test part.

# %%
mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y
cat("training images:", dim(x_train), " validation:", dim(x_val), " test:", dim(x_test), "\n")

# %% [markdown]
# ## 2. The model
#
# TABLE I of the paper says which S2 maps each C3 map sees: maps 0-5 see 3 neighbouring S2 maps,
# 6-11 see 4 neighbours, 12-14 see 4 non-neighbours and map 15 sees all 6: 60 connections
# instead of 96. The paper gives two reasons: it keeps the number of connections within bounds,
# and it breaks the symmetry, so that different C3 maps are forced to learn different features.
# Each C3 map is built literally: `layer_lambda()` picks its S2 maps, a one-map convolution reads
# them. `c3_map()` is a function because it is called 16 times, once per row of the table.
#
# Where the lesson differs from the paper: plain `tanh` instead of the scaled 1.7159 tanh(2a/3);
# plain average pooling for S2 and S4, where the paper adds a trainable coefficient and bias; a
# softmax output instead of 10 Euclidean RBF units; Adam on 3,500 digits (full profile) instead of a diagonal
# Levenberg-Marquardt method on 60,000. The paper's input scaling is kept: white background -0.1,
# black ink 1.175, and its 32 x 32 input (the digits padded by 2).

# %%
# TABLE I of LeCun et al. (1998): for each C3 map, the S2 maps it sees (counted from 1 in R;
# the paper and the layer names count from 0)
C3_TABLE <- list(
  c(1, 2, 3), c(2, 3, 4), c(3, 4, 5), c(4, 5, 6), c(1, 5, 6), c(1, 2, 6),
  c(1, 2, 3, 4), c(2, 3, 4, 5), c(3, 4, 5, 6), c(1, 4, 5, 6), c(1, 2, 5, 6), c(1, 2, 3, 6),
  c(1, 2, 4, 5), c(2, 3, 5, 6), c(1, 3, 4, 6),
  c(1, 2, 3, 4, 5, 6)
)

# One C3 map: a 5 x 5 convolution over only the S2 maps it is given.
c3_map <- function(s2, maps, name) {
  s2 |>
    layer_lambda(function(x) op_take(x, maps, axis = -1), name = paste0("s2_for_", name)) |>
    layer_conv_2d(filters = 1, kernel_size = 5, activation = "tanh", name = name)
}

inputs <- keras_input(shape = c(28, 28), name = "pixels")                          # raw pixels, 0..255
s2 <- inputs |>
  layer_rescaling(scale = 1.275 / 255, offset = -0.1, name = "scale") |>          # the paper's -0.1..1.175
  layer_reshape(c(28, 28, 1), name = "channel") |>
  layer_zero_padding_2d(padding = 2, name = "pad_to_32") |>                       # the paper's 32 x 32 input
  layer_conv_2d(filters = 6, kernel_size = 5, activation = "tanh", name = "c1") |>   # -> 28 x 28 x 6
  layer_average_pooling_2d(pool_size = 2, name = "s2")                            # -> 14 x 14 x 6
c3 <- lapply(seq_along(C3_TABLE), function(j) c3_map(s2, C3_TABLE[[j]], sprintf("c3_%02d", j - 1))) |>
  layer_concatenate(name = "c3")                                                  # -> 10 x 10 x 16
outputs <- c3 |>
  layer_average_pooling_2d(pool_size = 2, name = "s4") |>                         # -> 5 x 5 x 16
  layer_conv_2d(filters = 120, kernel_size = 5, activation = "tanh", name = "c5") |>   # -> 1 x 1 x 120: each unit sees all of S4
  layer_flatten(name = "flatten") |>
  layer_dense(units = 84, activation = "tanh", name = "f6") |>
  layer_dense(units = 10, activation = "softmax", name = "output")
model <- keras_model(inputs, outputs, name = "lenet5")
summary(model)

# %% [markdown]
# **Look at** the summary: 16 `s2_for_c3_NN` layers with 3, 4 or 6 channels, each followed by its
# own convolution. Added up per paper layer, C3 has 60 x 25 weights + 16 biases = 1,516
# parameters, against 96 x 25 + 16 = 2,416 if every C3 map saw every S2 map.

# %%
paper_layer <- sub("^c3_.*", "c3", vapply(model$layers, function(layer) layer$name, ""))   # the 16 c3_NN count as C3
parameters <- tapply(vapply(model$layers, count_params, integer(1)), factor(paper_layer, levels = unique(paper_layer)), sum)
parameters <- as.list(parameters[parameters > 0])
str(parameters)
cat("in all:", count_params(model), "\n")

# %% [markdown]
# ## 3. Compile: the loss, the optimizer, the metric
#
# As in lesson 1, the integer labels call for `sparse_categorical_crossentropy`; Adam keeps the
# spec's learning rate throughout.

# %%
model |> compile(
  optimizer = optimizer_adam(learning_rate = settings$learning_rate),
  loss = "sparse_categorical_crossentropy",
  metrics = "accuracy"
)

# %% [markdown]
# ## 4. Fit
#
# **Look for** the validation accuracy after each epoch: it rises with the training accuracy, and
# on the quick profile two epochs on a thousand digits already pass 80%.

# %%
history <- model |> fit(
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = settings$epochs,
  batch_size = settings$batch_size,
  verbose = 2
)
plot(history)

# %% [markdown]
# ## 5. Evaluate on images the network has never seen
#
# The paper reports errors, not accuracies, so the error rate is printed too.

# %%
scores <- model |> evaluate(x_test, y_test, verbose = 0)
error_rate <- 1 - scores$accuracy
cat(sprintf("Test accuracy on %d unseen images: %.4f (error %.2f%%; LeCun et al. report 0.95%% on full MNIST)\n",
            length(y_test), scores$accuracy, 100 * error_rate))

# %% [markdown]
# ## 6. Predict
#
# As in lesson 1: ten probabilities per image, the most probable class, and the confusion matrix
# (true digits down, predicted digits across).

# %%
probabilities <- model |> predict(x_test, verbose = 0)
predicted <- max.col(probabilities, ties.method = "first") - 1   # columns count from 1, digits from 0
confusion <- table(true = factor(y_test, levels = 0:9), predicted = factor(predicted, levels = 0:9))
confusion

# %% [markdown]
# ## 7. Look at what C1 learned
#
# C1's six 5 x 5 kernels after training. With a few thousand digits and a few epochs they are
# still rough, but some already look like strokes at one angle.

# %%
plot_c1_kernels <- function(kernels) {   # kernels: 5 x 5 x 1 x 6
  par(mfrow = c(1, 6), mar = c(0.5, 0.5, 2, 0.5), oma = c(0, 0, 1.5, 0))
  for (k in 1:6) {
    kernel <- kernels[, , 1, k]
    # image() puts row 1 at the bottom: flipped, the kernel reads as Python shows it
    image(t(kernel[5:1, ]), col = gray.colors(64, 0, 1), axes = FALSE, main = sprintf("C1 map %d", k - 1))
  }
  mtext("The six 5x5 kernels of C1 (R)", outer = TRUE)
}

kernels <- get_weights(get_layer(model, "c1"))[[1]]
plot_c1_kernels(kernels)

# %% [markdown]
# ## What to take away
#
# - The functional API (`keras_input()`, layers called on tensors, `keras_model(inputs, outputs)`)
#   builds any graph of layers, such as C3's 16 branches; `keras_model_sequential()` builds only
#   a chain.
# - Sparse connections cut weights: C3 has 1,516 parameters where a full convolution would have
#   2,416, and most of LeNet-5's 60,806 sit in C5 (48,120).
# - The 1998 network, with a modern output and optimizer, still reads digits well.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes the results to `outputs/r/lenet5/results.json` with the pictures; the
# C3 wiring is saved as LeCun's TABLE I (S2 maps down, C3 maps across, 1 where they connect).

# %%
first <- seq_len(settings$n_predictions)
workshop_save(list(
  test = list(loss = scores$loss, accuracy = scores$accuracy, n = length(y_test),
              confusion_matrix = unclass(confusion), error_rate = error_rate),
  predictions = list(labels = I(y_test[first]), classes = I(predicted[first]), probabilities = probabilities[first, ]),
  c3_table = sapply(C3_TABLE, function(maps) as.integer(1:6 %in% maps)),
  parameters = parameters
), model = model, history = history, plots = list(
  confusion_matrix.png = function(path) workshop_plot_confusion(unclass(confusion), path),
  c1_kernels.png = list(function() plot_c1_kernels(kernels), width = 900, height = 190)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
