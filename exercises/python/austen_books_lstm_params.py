# Exercise austen_books_lstm_params (austen_books, predict, 5 minutes)
# Lesson 9's networks on the full profile: Embedding(V, 32) -> LSTM(64) -> Dense(6), and the same
# with Bidirectional(LSTM(64)), with a vocabulary of V = 10002 ids (10,000 words, the unknown word
# and the mask) and six novels. Keras' LSTM with h units reading x numbers per step has
# 4 x (h(h + x) + h) parameters. Work out, on the lines marked ____:
#   embedding_params:    the Embedding's parameters
#   lstm_params:         the LSTM's parameters (it reads the 32 numbers of the embedding)
#   bilstm_params:       the Bidirectional LSTM's parameters
#   dense_params_lstm:   the output layer's parameters after the LSTM
#   dense_params_bilstm: the output layer's parameters after the Bidirectional LSTM
# Check: ./workshop check austen_books_lstm_params, or check("austen_books_lstm_params") in a notebook.

embedding_params = ____
lstm_params = ____
bilstm_params = ____
dense_params_lstm = ____
dense_params_bilstm = ____
