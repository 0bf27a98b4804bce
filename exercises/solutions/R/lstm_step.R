# Exercise lstm_step (foundations_recurrence, build, 15 minutes)
# Write lstm_step(x_t, a_prev, c_prev, p): one step of the slides' LSTM. Every gate g acts on the
# stacked [a(t-1), x(t)] with its weights p$W_g and bias p$b_g, g in f (forget), u (update),
# c (candidate), o (output):
#   Γf = σ(W_f [a, x] + b_f)   Γu = σ(W_u [a, x] + b_u)   c~ = tanh(W_c [a, x] + b_c)
#   c(t) = Γf * c(t-1) + Γu * c~    Γo = σ(W_o [a, x] + b_o)    a(t) = Γo * tanh(c(t))
# Give back list(a = ..., c = ...). Fill in the lines marked ____.
# Check: ./workshop check lstm_step --lang r, or check("lstm_step") after
# source("exercises/check.R") (hidden inputs).

sigmoid <- function(z) 1 / (1 + exp(-z))

lstm_step <- function(x_t, a_prev, c_prev, p) {
  ax <- c(a_prev, x_t)  #> ax <- ____  # the stacked [a(t-1), x(t)]
  gamma_f <- sigmoid(drop(p$W_f %*% ax) + p$b_f)
  gamma_u <- sigmoid(drop(p$W_u %*% ax) + p$b_u)  #> gamma_u <- ____  # the update gate
  c_tilde <- tanh(drop(p$W_c %*% ax) + p$b_c)  #> c_tilde <- ____  # the candidate
  c <- gamma_f * c_prev + gamma_u * c_tilde  #> c <- ____  # the new cell state
  gamma_o <- sigmoid(drop(p$W_o %*% ax) + p$b_o)
  a <- gamma_o * tanh(c)  #> a <- ____  # the new hidden state
  list(a = a, c = c)
}

if (!isTRUE(getOption("exercise.checking"))) {
  set.seed(1)
  p <- list()
  for (g in c("f", "u", "c", "o")) {
    p[[paste0("W_", g)]] <- matrix(rnorm(6), 2L, 3L)
    p[[paste0("b_", g)]] <- c(0, 0)
  }
  print(lstm_step(1, c(0, 0), c(0, 0), p))
}
