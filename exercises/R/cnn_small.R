# Exercise cnn_small (cnn_mnist, open, 15 minutes)
# Open goal: at least 75% test accuracy on the quick profile with at most 50,000 parameters
# (lesson 1's network has 225,034 and reaches about 78%). Below is your own copy of lesson 1's
# steps (the lesson file stays as it is): change anything in it, filters, the dense layer, dropout,
# even the learning rate (set settings["learning_rate"] before the model is compiled).
# Run it: Rscript exercises/R/cnn_small.R, or line by line (its results go where lesson 1's go).
# Write one line about what you changed on the line marked ____, then check:
# ./workshop check cnn_small --lang r, or check("cnn_small"). It reads your own results file.

what_i_changed <- "____"

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
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>   # -> 26 x 26 x 32
  layer_max_pooling_2d(pool_size = 2) |>
  layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu") |>   # -> 11 x 11 x 64
  layer_max_pooling_2d(pool_size = 2) |>
  layer_flatten() |>
  layer_dropout(rate = 0.25) |>
  layer_dense(units = 128, activation = "relu") |>
  layer_dropout(rate = 0.5) |>
  layer_dense(units = 10, activation = "softmax")
summary(model)

# settings["learning_rate"] <- ...
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
