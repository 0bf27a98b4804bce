# Exercise gru_step (lstm_vs_gru, build, 15 minutes)
# Write gru_step(x_t, h_prev, p): one step of the slides' GRU. With [h, x] the stacked h(t-1), x(t):
#   z = σ(W_z [h, x] + b_z)    r = σ(W_r [h, x] + b_r)    h~ = tanh(W_h [r * h, x] + b_h)
#   h(t) = (1 - z) * h(t-1) + z * h~
# The weights are p["W_z"], p["b_z"], p["W_r"], p["b_r"], p["W_h"], p["b_h"].
# Fill in the lines marked ____. Check: ./workshop check gru_step, or check("gru_step") in a
# notebook (hidden inputs).
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_step(x_t, h_prev, p):
    hx = np.concatenate([h_prev, x_t])
    z = sigmoid(p["W_z"] @ hx + p["b_z"])  #> z = ____  # the update gate
    r = sigmoid(p["W_r"] @ hx + p["b_r"])  #> r = ____  # the reset gate
    h_tilde = np.tanh(p["W_h"] @ np.concatenate([r * h_prev, x_t]) + p["b_h"])  #> h_tilde = ____  # the candidate
    return (1 - z) * h_prev + z * h_tilde  #> return ____  # the new state


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    p = {f"{w}_{g}": rng.normal(size=(2, 3)) if w == "W" else np.zeros(2) for g in "zrh" for w in "Wb"}
    print(gru_step(np.array([1.0]), np.zeros(2), p))
