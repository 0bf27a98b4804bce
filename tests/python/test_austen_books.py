"""Austen books: the words, the mask, the vocabulary, the split and naive Bayes (python/austen_words.py,
which the lesson reaches through workshop.py), against values worked out by hand; then what the lesson
itself records, in both languages, read from the session's quick run of the lesson files
(conftest.quick_outputs). tests/R/test-austen_books.R mirrors the by-hand part."""
import numpy as np
import pytest

import austen_words as lesson
import helpers
import workshop
from conftest import read_results
from helpers import WorkshopError

LESSON = "austen_books"

TEXT = 'It was Mr. Darcy. "Elinor is here," said Anne; I saw The Park.\nThe end'


def config_for(data_dir=None, profile="quick", **changes):
    config = helpers.lesson_config("austen_books", profile, data_dir=None if data_dir is None else str(data_dir))
    config.update(changes)
    return lesson.check_settings(config)


def test_words_are_letter_runs_and_sentences_start_after_an_end_mark():
    found = lesson.words_of(TEXT)
    assert found["words"] == ["It", "was", "Mr", "Darcy", "Elinor", "is", "here", "said", "Anne", "I", "saw",
                              "The", "Park", "The", "end"]
    # Darcy follows "Mr. ", so no sentence starts there; Elinor follows a quotation mark, "said" a closing one,
    # the second The a line break.
    assert found["first"].tolist() == [True, False, False, False, True, False, False, True, False, False, False,
                                       False, False, True, False]
    assert lesson.words_of("don't stop")["words"] == ["don", "t", "stop"]   # letters only, no apostrophe
    assert lesson.words_of("\u00a3 5 by Fanny")["words"] == ["by", "Fanny"]   # a pound sign changes no position


def test_the_mask_hides_names_but_not_i_nor_a_common_word_that_starts_a_sentence():
    books = {"a": lesson.words_of(TEXT), "b": lesson.words_of("the park was far. Anne went.")}
    masked = lesson.mask_names(books)
    # Mr, Darcy, Anne, The (mid-sentence), Park: capitalised, not at a sentence start. Elinor and It start
    # sentences, but neither book writes "elinor" or "it": masked too. The last The starts a sentence, and
    # book b writes "the": kept. I is never masked.
    assert masked["a"]["words"] == ["<name>", "was", "<name>", "<name>", "<name>", "is", "here", "said", "<name>",
                                    "I", "saw", "<name>", "<name>", "The", "end"]
    assert masked["a"]["n_masked"] == 7
    assert masked["b"]["words"] == ["the", "park", "was", "far", "<name>", "went"]


def test_the_vocabulary_is_ranked_by_count_then_by_code_point():
    words = {"a": ["b", "a", "B", "c", "a", "<name>", "zz", "b"] + ["q"] * 4}   # two passages of 4, then the rest
    parts = {"a": {"train": 2, "val": 1, "test": 0}}
    vocabulary = lesson.build_vocabulary(words, parts, {"passage_words": 4, "vocabulary_size": 3})
    # counts in the first 8 words: a 2, b 2, B 1, c 1, zz 1 (the mask is not a word); ties in code-point order
    assert vocabulary == ["<unknown>", "<name>", "a", "b", "B"]


def test_passages_are_cut_by_position_and_spread_evenly():
    assert lesson.evenly(10, 3).tolist() == [0, 3, 6]
    assert lesson.evenly(4, None).tolist() == [0, 1, 2, 3] and lesson.evenly(4, 9).tolist() == [0, 1, 2, 3]
    config = {"passage_words": 2, "split": {"parts": 5, "val": 1, "test": 1}, "min_passages": 1,
              "train_per_book": None, "eval_per_book": None}
    assert lesson.passage_parts(21, config, "a") == {"train": 6, "val": 2, "test": 2}   # 10 passages, 1 word left
    words = {"a": [f"w{i}" for i in range(21)], "b": [f"w{i}" for i in range(21)]}
    parts = {"a": lesson.passage_parts(21, config, "a"), "b": lesson.passage_parts(21, config, "b")}
    vocabulary = ["<unknown>", "<name>", *[f"w{i}" for i in range(21)]]
    data = lesson.passages(words, parts, vocabulary, config)
    assert data["x_test"].tolist() == [[18, 19], [20, 21]] * 2 and data["y_test"].tolist() == [0, 0, 1, 1]
    assert data["x_val"].tolist() == [[14, 15], [16, 17]] * 2 and data["x_train"].shape == (12, 2)
    assert data["x_train"].dtype == np.int32 and data["y_train"].tolist() == [0] * 6 + [1] * 6
    with pytest.raises(WorkshopError, match="leave a with only 10 passages"):
        lesson.passage_parts(21, {**config, "min_passages": 3}, "a")


def test_naive_bayes_by_hand():
    # Two books, V = 4. Book 0's passages: [2, 2], [2, 3]; book 1's: [3, 3]. alpha = 1.
    data = {"x_train": np.array([[2, 2], [2, 3], [3, 3]], dtype=np.int32), "y_train": np.array([0, 0, 1], dtype=np.int32)}
    nb = lesson.naive_bayes(data, 4, {"books": {"a": {}, "b": {}}, "alpha": 1.0})
    # book 0 counts 0, 0, 3, 1 (+1 each: 1, 1, 4, 2 of 8); book 1: 0, 0, 0, 2 (1, 1, 1, 3 of 6)
    assert np.exp(nb["log_word"]).ravel().tolist() == pytest.approx([1 / 8, 1 / 8, 4 / 8, 2 / 8, 1 / 6, 1 / 6, 1 / 6, 3 / 6])
    assert np.exp(nb["log_prior"]).tolist() == pytest.approx([2 / 3, 1 / 3])
    scores = lesson.naive_bayes_scores(nb, np.array([[3, 3]]))
    assert scores[0].tolist() == pytest.approx([np.log(2 / 3 * (2 / 8) ** 2), np.log(1 / 3 * (3 / 6) ** 2)])
    assert workshop.confusion_matrix([0, 0, 1], [0, 1, 1], 2).tolist() == [[1, 1], [0, 1]]   # rows: the truth


def test_the_shipped_novels():
    config = config_for()
    books = lesson.load_books(config)
    assert books["n_words"]["persuasion"] == 84121 and books["words"]["unmasked"]["persuasion"][0] == "persuasion"
    assert "elinor" in books["words"]["unmasked"]["sense_and_sensibility"]
    assert "elinor" not in books["words"]["masked"]["sense_and_sensibility"]
    assert books["parts"]["persuasion"] == {"train": 1684, "val": 560, "test": 560}


@pytest.mark.parametrize("key, value, message", [
    ("passage_words", 0, "sets passage_words to 0"),
    ("alpha", -1, "sets alpha to -1"),
    ("split", {"parts": 2, "val": 1, "test": 1}, "val + test below parts"),
])
def test_bad_settings_are_refused(key, value, message):
    config = helpers.lesson_config("austen_books", "quick")
    config[key] = value
    with pytest.raises(WorkshopError, match=message.replace("+", r"\+")):
        lesson.check_settings(config)


def test_the_facade_offers_the_words_module():
    assert workshop.read_books is lesson.read_books and workshop.book_passages is lesson.book_passages
    assert workshop.naive_bayes is lesson.naive_bayes and workshop.naive_bayes_scores is lesson.naive_bayes_scores


@pytest.fixture(scope="module")
def books():
    config = config_for()
    return config, lesson.read_books(config)


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    return read_results(quick_outputs(LESSON) / request.param / LESSON)


def test_the_lesson_recorded_both_conditions_the_baselines_and_four_networks(run, books):
    config, found = books
    assert run["weights_sha256"] and len(run["model"]["layers"]) == 4 * 6
    assert [layer["name"].split("/")[0] for layer in run["model"]["layers"][::6]] == [
        "lstm_masked", "bilstm_masked", "lstm_unmasked", "bilstm_unmasked"]
    assert set(run["history"]) == {"lstm_masked", "bilstm_masked", "lstm_unmasked", "bilstm_unmasked"}
    for history in run["history"].values():
        assert 1 <= history["best_epoch"][0] <= len(history["loss"]) <= config["epochs"]
    assert run["data"]["n_words"] == found["n_words"] and run["data"]["passages_per_book"] == found["parts"]
    assert run["data"]["masked_share"] == sum(found["n_masked"].values()) / sum(found["n_words"].values())
    for condition in ("masked", "unmasked"):
        data = lesson.book_passages(found, condition, config)
        recorded = run[condition]
        assert recorded["vocabulary"]["size"] == len(data["vocabulary"]) == config["vocabulary_size"] + 2
        assert recorded["vocabulary"]["first"] == data["vocabulary"][2:22]
        assert recorded["passages"] == {part: len(data[f"y_{part}"]) for part in ("train", "val", "test")}
        test = recorded["test"]
        assert test["chance"] == 1 / 6 and set(test) == {"chance", "majority", "naive_bayes", "lstm", "bilstm"}
        nb = lesson.naive_bayes(data, len(data["vocabulary"]), config)
        picks = np.argmax(lesson.naive_bayes_scores(nb, data["x_test"]), axis=1)
        assert test["naive_bayes"]["accuracy"] == float(np.mean(picks == data["y_test"]))
        for what in ("majority", "naive_bayes", "lstm", "bilstm"):
            confusion = np.array(test[what]["confusion_matrix"])
            assert confusion.shape == (6, 6) and confusion.sum() == test[what]["n"] == len(data["y_test"])
            assert np.array_equal(confusion.sum(axis=1), np.bincount(data["y_test"], minlength=6))
            assert np.trace(confusion) / confusion.sum() == test[what]["accuracy"]


def test_the_predictions_are_the_first_test_passages_spread_over_the_books(run, books):
    config, found = books
    data = lesson.book_passages(found, "masked", config)
    picks = run["masked"]["predictions"]
    rows = lesson.evenly(len(data["y_test"]), config["n_predictions"]).tolist()
    assert picks["passage"] == rows and picks["truth"] == data["y_test"][rows].tolist()
    assert picks["first_words"][0] == " ".join(data["vocabulary"][i] for i in data["x_test"][rows[0], :12])
    for kind in ("lstm", "bilstm"):
        probabilities = np.array(picks[f"{kind}_probabilities"])
        assert probabilities.shape == (len(rows), 6) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-6)
        assert picks[kind] == np.argmax(probabilities, axis=1).tolist()
