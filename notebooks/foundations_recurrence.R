# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Foundations, recurrence: the RNN, LSTM and GRU by hand, and their gradients (R)
#
# `R/foundations_recurrence.R` does the lecture's recurrent examples in base R and measures
# gradients through time on Keras' layers; its Python twin is `foundations_recurrence.py` in this folder.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "foundations_recurrence.R"))   # helpers, and the topic's functions

d <- slide_data()
inputs <- read_shared_inputs(LESSON)   # the random numbers both languages share
sub(paste0(ROOT, "/"), "", shared_inputs_path(LESSON), fixed = TRUE)

# %% [markdown]
# ## The hands-on RNN: 2, 6, 12, 20, 30 (the slide's 10, 14, 18 are wrong), and Keras agrees

# %%
simple_rnn(d$rnn_sequence, 1, 1, 1)$h[, 1]
keras_simple_rnn_relu(d$rnn_sequence)

# %% [markdown]
# ## The slide's LSTM equations with Keras' weights give Keras' hidden states

# %%
s <- inputs$lstm
mine <- lstm_forward(s$x, keras_lstm_to_slide(s$kernel, s$recurrent_kernel, s$bias))$a
max(abs(mine - keras_run_lstm(s$x, s$kernel, s$recurrent_kernel, s$bias)$a))

# %% [markdown]
# ## Gradient clipping bounds the exploding case (clipnorm = 1)

# %%
gr <- inputs$gradients
st <- gradient_demo_settings()
clip <- keras_clipping_demo(gr$x, gr$rnn_kernel, st$gain_exploding * gr$rnn_recurrent_orthogonal,
                            st$clip_lengths, st$clipnorm)
clip[c("raw", "clipped")]

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main()` runs everything above in one go, as `Rscript R/foundations_recurrence.R` does, and writes
# `outputs/r/foundations_recurrence/results.json`. Once Python has run it too,
# `./workshop compare foundations_recurrence` sets the two files side by side, value by value.

# %%
main(strsplit(Sys.getenv("WORKSHOP_ARGS"), " ", fixed = TRUE)[[1]])   # its options, as on the command line
