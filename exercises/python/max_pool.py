# Exercise max_pool (foundations_pooling, build, 10 minutes)
# Write max_pool(x, size, stride): slide a size x size window over the matrix x, `stride` cells
# at a time, and keep the largest value under each window (only windows that fit count).
# Fill in the lines marked ____. Check: ./workshop check max_pool, or check("max_pool") in a
# notebook. The checker calls your function on inputs you have not seen, negative ones too.
import numpy as np


def max_pool(x, size, stride):
    rows = ____  # how many windows fit down x
    cols = ____  # and across
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = ____  # the part of x under the window
            out[i, j] = ____  # what max pooling keeps
    return out


if __name__ == "__main__":
    x = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]], dtype=float)
    print(max_pool(x, 2, 2))   # [[6, 5], [7, 9]]
