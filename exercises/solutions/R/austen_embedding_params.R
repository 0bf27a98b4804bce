# Exercise austen_embedding_params (austen, predict, 10 minutes)
# Lesson 8's network on the quick profile: Embedding(V, 16) -> GRU(64, return_sequences = TRUE) ->
# Dense(V), with a vocabulary of V = 90 characters. Keras' GRU with h units reading x numbers per
# step has 3 x (h(h + x) + 2h) parameters. Work out, on the lines marked ____:
#   embedding_params:   the Embedding's parameters
#   gru_params:         the GRU's parameters (it reads the 16 numbers of the embedding)
#   dense_params:       the output layer's parameters
#   gru_params_one_hot: the GRU's parameters if it read one-hot vectors of V numbers instead
# Check: ./workshop check austen_embedding_params --lang r, or check("austen_embedding_params") after
# source("exercises/check.R").

embedding_params <- 90 * 16  #> embedding_params <- ____
gru_params <- 3 * (64 * (64 + 16) + 2 * 64)  #> gru_params <- ____
dense_params <- 90 * (64 + 1)  #> dense_params <- ____
gru_params_one_hot <- 3 * (64 * (64 + 90) + 2 * 64)  #> gru_params_one_hot <- ____
