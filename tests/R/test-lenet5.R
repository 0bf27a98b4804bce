# LeNet-5's shape and parameter counts, as LeCun et al. (1998) give them; mirrors tests/python/test_lenet5.py.
lenet5 <- load_lesson("lenet5")
lenet5_model <- lenet5$build_model()

test_that("C3_TABLE is LeCun's TABLE I", {
  rows <- c("X...XXX..XXXX.XX", "XX...XXX..XXXX.X", "XXX...XXX..X.XXX",
            ".XXX..XXXX..X.XX", "..XXX..XXXX.XX.X", "...XXX..XXXX.XXX")
  table <- t(vapply(strsplit(rows, ""), function(cells) as.numeric(cells == "X"), numeric(16L)))
  built <- matrix(0, 6L, 16L)
  for (j in seq_along(lenet5$C3_TABLE)) built[lenet5$C3_TABLE[[j]] + 1L, j] <- 1
  expect_identical(built, table)
  expect_equal(sum(built), 60)
  expect_equal(lengths(lenet5$C3_TABLE), c(rep(3L, 6L), rep(4L, 9L), 6L))
})

test_that("parameters per layer and in total", {
  expect_identical(lenet5$layer_params(lenet5_model),
                   list(c1 = 156L, c3 = 1516L, c5 = 48120L, f6 = 10164L, output = 850L))
  expect_identical(as.integer(lenet5_model$count_params()), 60806L)
})

test_that("each C3 map has one kernel per connected S2 map plus a bias", {
  for (j in 0:15) {
    weights <- lenet5_model$get_layer(sprintf("c3_%02d", j))$get_weights()
    expect_equal(dim(weights[[1L]]), c(5L, 5L, length(lenet5$C3_TABLE[[j + 1L]]), 1L))
    expect_length(weights[[2L]], 1L)
  }
})

test_that("feature map sizes follow the paper", {
  shape <- function(name) unlist(lenet5_model$get_layer(name)$output$shape)
  expect_equal(shape("pad_to_32"), c(32L, 32L, 1L))
  expect_equal(shape("c1"), c(28L, 28L, 6L))
  expect_equal(shape("s2"), c(14L, 14L, 6L))
  expect_equal(shape("c3"), c(10L, 10L, 16L))
  expect_equal(shape("s4"), c(5L, 5L, 16L))
  expect_equal(shape("c5"), c(1L, 1L, 120L))
  expect_equal(shape("f6"), 84L)
  expect_equal(shape("output"), 10L)
})

test_that("a C3 map sees only its S2 maps", {
  probe <- lenet5$keras$Model(lenet5_model$get_layer("s2")$output, lenet5_model$get_layer("c3_00")$output)
  x <- array(stats::rnorm(14L * 14L * 6L), c(1L, 14L, 14L, 6L))
  y <- x
  y[, , , 4:6] <- y[, , , 4:6] + 1     # maps 3, 4, 5 (counted from 0): not in C3 map 0's row of TABLE I
  as_r <- function(t) t$numpy()
  expect_identical(as_r(probe(x)), as_r(probe(y)))
  y[, , , 1L] <- y[, , , 1L] + 1
  expect_false(identical(as_r(probe(x)), as_r(probe(y))))
})

test_that("the scaling is the paper's", {
  scaled <- lenet5_model$get_layer("scale")(matrix(c(0, 255), 1L))$numpy()
  expect_equal(as.vector(scaled), c(-0.1, 1.175), tolerance = 1e-6)
})
