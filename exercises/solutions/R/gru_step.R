# Exercise gru_step (lstm_vs_gru, build, 15 minutes)
# Write gru_step(x_t, h_prev, p): one step of the slides' GRU. With [h, x] the stacked h(t-1), x(t):
#   z = σ(W_z [h, x] + b_z)    r = σ(W_r [h, x] + b_r)    h~ = tanh(W_h [r * h, x] + b_h)
#   h(t) = (1 - z) * h(t-1) + z * h~
# The weights are p$W_z, p$b_z, p$W_r, p$b_r, p$W_h, p$b_h.
# Fill in the lines marked ____. Check: ./workshop check gru_step --lang r, or check("gru_step")
# after source("exercises/check.R") (hidden inputs).

sigmoid <- function(z) 1 / (1 + exp(-z))

gru_step <- function(x_t, h_prev, p) {
  hx <- c(h_prev, x_t)
  z <- sigmoid(drop(p$W_z %*% hx) + p$b_z)  #> z <- ____  # the update gate
  r <- sigmoid(drop(p$W_r %*% hx) + p$b_r)  #> r <- ____  # the reset gate
  h_tilde <- tanh(drop(p$W_h %*% c(r * h_prev, x_t)) + p$b_h)  #> h_tilde <- ____  # the candidate
  (1 - z) * h_prev + z * h_tilde  #> ____  # the new state
}

if (!isTRUE(getOption("exercise.checking"))) {
  set.seed(1)
  p <- list()
  for (g in c("z", "r", "h")) {
    p[[paste0("W_", g)]] <- matrix(rnorm(6), 2L, 3L)
    p[[paste0("b_", g)]] <- c(0, 0)
  }
  print(gru_step(1, c(0, 0), p))
}
