# Exercise output_layer_grads (foundations_backpropagation, build, 10 minutes)
# The tiny CNN's output layer: O = sigmoid(W^T A1 + b), with A1 (the feature map) flattened row by
# row, and the loss E = 1/2 sum (O - y)^2. Write output_layer_grads(a1, w, b, y) giving back dE/dW
# and dE/db, by the chain rule, one factor per line as on the slides.
# Fill in the lines marked ____. Check: ./workshop check output_layer_grads, or
# check("output_layer_grads") in a notebook. The checker uses inputs you have not seen.
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def output_layer_grads(a1, w, b, y):
    a1_flat = a1.reshape(-1)                 # row by row, as the forward pass flattens
    o = sigmoid(w.T @ a1_flat + b)           # the forward pass
    delta = ____  # dE/dZ2 = dE/dO * dO/dZ2
    d_w = ____  # dE/dW: row i is A1[i] times delta
    d_b = ____  # dE/db
    return {"dW": d_w, "db": d_b}


if __name__ == "__main__":
    a1 = np.array([[0.5, 0.2], [0.1, 0.7]])
    print(output_layer_grads(a1, np.full((4, 1), 0.3), np.array([0.1]), np.array([1.0])))
