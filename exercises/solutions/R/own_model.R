# Exercise own_model (cnn_mnist, train, 15 minutes)
# Write and train your own model, from scratch, after lesson 1 (R/cnn_mnist.R shows every step).
# The digits are loaded for you below. Write the model, compile it and fit it where the lines are
# marked ____, keeping the name `model`. The goal: at least 75% accuracy on the test images with
# at most 50,000 parameters (lesson 1's network has 225,034).
# Run it: line by line in RStudio (Ctrl+Enter), or Rscript exercises/R/own_model.R from any folder.
# Check: ./workshop check own_model --lang r, or check("own_model") after source("exercises/check.R").
# The checker runs this file, then scores the model you trained on the test images itself
# (about half a minute).

library(workshop)                                       # the workshop's machinery and keras3's names
settings <- workshop_start("cnn_mnist", profile = "quick")   # the quick data: 1,000 training images

mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y
cat("training images:", dim(x_train), " labels:", head(y_train, 10), "\n")   # 28 x 28 pixels (0..255); digits 0..9

# BEGIN SOLUTION
#> model <- keras_model_sequential(____) |>   # the input: 28 x 28 images
#>   ____                                     # your layers, piped with |>, ..., one output unit per digit
model <- keras_model_sequential(input_shape = c(28, 28)) |>
  layer_rescaling(1 / 255) |>
  layer_reshape(c(28, 28, 1)) |>
  layer_conv_2d(filters = 16, kernel_size = 3, activation = "relu") |>
  layer_max_pooling_2d(pool_size = 2) |>
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>
  layer_max_pooling_2d(pool_size = 2) |>
  layer_flatten() |>
  layer_dense(units = 32, activation = "relu") |>
  layer_dense(units = 10, activation = "softmax")
# END SOLUTION
summary(model)

model |> compile(  #> model |> compile(____)   # an optimizer, a loss for whole-number labels, metrics = "accuracy"
  # BEGIN SOLUTION
  optimizer = "adam",
  loss = "sparse_categorical_crossentropy",
  metrics = "accuracy"
)
  # END SOLUTION
history <- model |> fit(  #> history <- model |> fit(____)   # the training images and labels, a few epochs
  # BEGIN SOLUTION
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = 5,
  batch_size = 32,
  verbose = 2
)
  # END SOLUTION

scores <- model |> evaluate(x_test, y_test, verbose = 0)
cat(sprintf("your test accuracy: %.4f with %d parameters\n", scores$accuracy, count_params(model)))
