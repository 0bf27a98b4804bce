# What lesson 1 records of what its network learned: the first layer's kernels and one digit's
# feature maps, with the shapes the model implies; mirrors tests/python/test_cnn_mnist.py.
lesson <- load_lesson("cnn_mnist")
config <- lesson_config("cnn_mnist", "quick")
data <- load_images(config)
lesson$keras$utils$set_random_seed(as.integer(config$seed))   # seed_everything would pin threads, fixed once per session
model <- lesson$build_model()   # untrained: the shapes do not depend on training
found <- lesson$learned_features(model, data)

test_that("the first layer's kernels are its weights", {
  expect_length(found$conv1_kernels, 32L)
  expect_true(all(vapply(found$conv1_kernels, function(k) identical(dim(k), c(3L, 3L)), TRUE)))
  weights <- model$layers[[3L]]$get_weights()[[1L]]   # Keras keeps k, k, C_in, C_out
  expect_identical(found$conv1_kernels[[5L]], weights[, , 1L, 5L])
})

test_that("one digit's feature maps after each convolution", {
  expect_identical(found$digit, data$x_test[1L, , ])
  expect_equal(found$digit_label, data$y_test[[1L]])
  expect_length(found$feature_maps, 2L)
  expect_length(found$feature_maps[[1L]], lesson$N_MAPS)
  expect_identical(dim(found$feature_maps[[1L]][[1L]]), c(26L, 26L))
  expect_identical(dim(found$feature_maps[[2L]][[8L]]), c(11L, 11L))
  expect_gte(min(unlist(found$feature_maps)), 0)   # each convolution ends in its ReLU
})
