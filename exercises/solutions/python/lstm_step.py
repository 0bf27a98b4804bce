# Exercise lstm_step (foundations_recurrence, build, 15 minutes)
# Write lstm_step(x_t, a_prev, c_prev, p): one step of the slides' LSTM. Every gate g acts on the
# stacked [a(t-1), x(t)] with its weights p["W_g"] and bias p["b_g"], g in f (forget), u (update),
# c (candidate), o (output):
#   Γf = σ(W_f [a, x] + b_f)   Γu = σ(W_u [a, x] + b_u)   c~ = tanh(W_c [a, x] + b_c)
#   c(t) = Γf * c(t-1) + Γu * c~    Γo = σ(W_o [a, x] + b_o)    a(t) = Γo * tanh(c(t))
# Give back a and c by those names. Fill in the lines marked ____.
# Check: ./workshop check lstm_step, or check("lstm_step") in a notebook (hidden inputs).
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(x_t, a_prev, c_prev, p):
    ax = np.concatenate([a_prev, x_t])  #> ax = ____  # the stacked [a(t-1), x(t)]
    gamma_f = sigmoid(p["W_f"] @ ax + p["b_f"])
    gamma_u = sigmoid(p["W_u"] @ ax + p["b_u"])  #> gamma_u = ____  # the update gate
    c_tilde = np.tanh(p["W_c"] @ ax + p["b_c"])  #> c_tilde = ____  # the candidate
    c = gamma_f * c_prev + gamma_u * c_tilde  #> c = ____  # the new cell state
    gamma_o = sigmoid(p["W_o"] @ ax + p["b_o"])
    a = gamma_o * np.tanh(c)  #> a = ____  # the new hidden state
    return {"a": a, "c": c}


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    p = {f"{w}_{g}": rng.normal(size=(2, 3)) if w == "W" else np.zeros(2) for g in "fuco" for w in "Wb"}
    print(lstm_step(np.array([1.0]), np.zeros(2), np.zeros(2), p))
