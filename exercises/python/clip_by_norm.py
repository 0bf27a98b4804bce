# Exercise clip_by_norm (foundations_recurrence, build, 5 minutes)
# Exploding gradients are tamed by clipping: if the gradient g is longer than max_norm, rescale it
# to length max_norm, keeping its direction; otherwise leave it alone. Write clip_by_norm(g, max_norm).
# Fill in the lines marked ____. Check: ./workshop check clip_by_norm, or check("clip_by_norm") in
# a notebook (hidden inputs).
import numpy as np


def clip_by_norm(g, max_norm):
    norm = ____  # the length of g
    if ____:  # short enough already?
        return g
    return ____  # g rescaled to length max_norm


if __name__ == "__main__":
    print(clip_by_norm(np.array([3.0, 4.0]), 1.0))   # [0.6, 0.8]
