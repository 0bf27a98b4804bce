# Exercise kernel_grad (foundations_backpropagation, build, 10 minutes)
# In the tiny CNN, Z1 = X * f (valid, stride 1), so dZ1[p, q] / df[i, j] = X[p + i, q + j].
# Given the input x and the gradient d_z1 = dE/dZ1 that flows back into Z1, write
# kernel_grad(x, d_z1) = dE/df: a matrix of the kernel's size.
# Fill in the lines marked ____. Check: ./workshop check kernel_grad, or check("kernel_grad") in a
# notebook. The checker uses inputs you have not seen.
import numpy as np


def kernel_grad(x, d_z1):
    dh, dw = d_z1.shape
    rows, cols = x.shape[0] - dh + 1, x.shape[1] - dw + 1   # the kernel's size
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(x[i:i + dh, j:j + dw] * d_z1)  #> out[i, j] = ____  # the sum over p, q of X[p + i, q + j] * dZ1[p, q]
    return out


if __name__ == "__main__":
    x = np.arange(1.0, 10.0).reshape(3, 3)
    print(kernel_grad(x, np.array([[1.0, 0.0], [0.0, -1.0]])))   # [[-4, -4], [-4, -4]]
