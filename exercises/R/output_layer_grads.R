# Exercise output_layer_grads (foundations_backpropagation, build, 10 minutes)
# The tiny CNN's output layer: O = sigmoid(W^T A1 + b), with A1 (the feature map) flattened row by
# row, and the loss E = 1/2 sum (O - y)^2. Write output_layer_grads(a1, w, b, y) giving back dE/dW
# and dE/db (a list with dW and db), by the chain rule, one factor per line as on the slides.
# Fill in the lines marked ____. Check: ./workshop check output_layer_grads --lang r, or
# check("output_layer_grads") after source("exercises/check.R"). The checker uses inputs you
# have not seen.

sigmoid <- function(z) 1 / (1 + exp(-z))

output_layer_grads <- function(a1, w, b, y) {
  a1_flat <- as.vector(t(a1))              # row by row, as the forward pass flattens
  o <- sigmoid(as.vector(t(w) %*% a1_flat) + b)   # the forward pass
  delta <- ____  # dE/dZ2 = dE/dO * dO/dZ2
  d_w <- ____  # dE/dW: row i is A1[i] times delta
  d_b <- ____  # dE/db
  list(dW = d_w, db = d_b)
}

if (!isTRUE(getOption("exercise.checking"))) {
  a1 <- matrix(c(0.5, 0.2, 0.1, 0.7), 2L, 2L, byrow = TRUE)
  print(output_layer_grads(a1, matrix(0.3, 4L, 1L), 0.1, 1))
}
