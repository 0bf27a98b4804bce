# Exercise clip_by_norm (foundations_recurrence, build, 5 minutes)
# Exploding gradients are tamed by clipping: if the gradient g is longer than max_norm, rescale it
# to length max_norm, keeping its direction; otherwise leave it alone. Write clip_by_norm(g, max_norm).
# Fill in the lines marked ____. Check: ./workshop check clip_by_norm --lang r, or
# check("clip_by_norm") after source("exercises/check.R") (hidden inputs).

clip_by_norm <- function(g, max_norm) {
  norm <- ____  # the length of g
  if (____) return(g)  # short enough already?
  ____  # g rescaled to length max_norm
}

if (!isTRUE(getOption("exercise.checking"))) print(clip_by_norm(c(3, 4), 1))   # 0.6 0.8
