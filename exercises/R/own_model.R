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

model <- keras_model_sequential(____) |>   # the input: 28 x 28 images
  ____                                     # your layers, piped with |>, ..., one output unit per digit
summary(model)

model |> compile(____)   # an optimizer, a loss for whole-number labels, metrics = "accuracy"
history <- model |> fit(____)   # the training images and labels, a few epochs

scores <- model |> evaluate(x_test, y_test, verbose = 0)
cat(sprintf("your test accuracy: %.4f with %d parameters\n", scores$accuracy, count_params(model)))
