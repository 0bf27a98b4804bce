"""Every exercise's check, by lesson; tools/check.py is the one command that runs them."""
from .base import EXERCISES, NOT_DONE  # noqa: F401
from . import austen, austen_books, cnn, foundations, own_model, rnn, training  # noqa: F401  (each module registers its exercises)
