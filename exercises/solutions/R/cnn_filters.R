# Exercise cnn_filters (cnn_mnist, change, 15 minutes)
# Change and compare: the exercise only a twin-language workshop can set. This file and
# exercises/python/cnn_filters.py are your own copies of lesson 1's steps (the lesson files stay as they are).
# 1. In BOTH copies, give the first Conv2D 16 filters instead of 32. Change nothing else.
# 2. Before you run: predict the changed model's total parameters on the line marked ____.
# 3. Run both copies (under a minute each; their results go where lesson 1's go):
#    .venv/bin/python exercises/python/cnn_filters.py and Rscript exercises/R/cnn_filters.R
# 4. Check: ./workshop check cnn_filters --lang r, or check("cnn_filters"). It reads both results
#    files and runs the compare: the two edits agree only if every row is identical.

total_params <- (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64) + (1600 * 128 + 128) + (128 * 10 + 10)  #> total_params <- ____  # conv1 + conv2 + dense + output

library(workshop)                                          # the workshop's machinery and keras3's names
settings <- workshop_start("cnn_mnist", profile = "quick")  # the results go where lesson 1's go

mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y

model <- keras_model_sequential(input_shape = c(28, 28), name = "cnn_mnist") |>
  layer_rescaling(1 / 255) |>
  layer_reshape(c(28, 28, 1)) |>                           # one grey channel
  layer_conv_2d(filters = 16, kernel_size = 3, activation = "relu") |>   # -> 26 x 26 x 16  #> layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>   # -> 26 x 26 x 32
  layer_max_pooling_2d(pool_size = 2) |>
  layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu") |>   # -> 11 x 11 x 64
  layer_max_pooling_2d(pool_size = 2) |>
  layer_flatten() |>
  layer_dropout(rate = 0.25) |>
  layer_dense(units = 128, activation = "relu") |>
  layer_dropout(rate = 0.5) |>
  layer_dense(units = 10, activation = "softmax")
summary(model)

steps_per_epoch <- ceiling(length(y_train) / settings$batch_size)
schedule <- learning_rate_schedule_cosine_decay(
  settings$learning_rate, decay_steps = steps_per_epoch * settings$epochs)
model |> compile(
  optimizer = optimizer_adam(learning_rate = schedule),
  loss = "sparse_categorical_crossentropy",
  metrics = "accuracy"
)
history <- model |> fit(
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = settings$epochs,
  batch_size = settings$batch_size,
  verbose = 2
)
scores <- model |> evaluate(x_test, y_test, verbose = 0)
cat(sprintf("Test accuracy: %.4f with %d parameters\n", scores$accuracy, count_params(model)))
workshop_save(list(test = list(loss = scores$loss, accuracy = scores$accuracy, n = length(y_test))),
              model = model, history = history)
