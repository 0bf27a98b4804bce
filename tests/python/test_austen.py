"""Austen: the n-gram yardsticks, the windows and the reader (python/austen_ngram.py and
python/austen_chars.py, which the lesson reaches through workshop.py), against values worked out by
hand; then what the lesson itself records, in both languages, read from the session's quick run of
the lesson files (conftest.quick_outputs). tests/R/test-austen.R mirrors the by-hand part."""
import types

import numpy as np
import pytest

import austen_chars
import austen_ngram
import helpers
from conftest import read_results, reseal
from helpers import WorkshopError

lesson = types.SimpleNamespace(**{**vars(austen_ngram), **vars(austen_chars)})
LESSON = "austen"

BY_HAND = [[0.0, 0.5, 1.0, 1.5]] * 2   # the discounts D(1), D(2), D(3+) of both orders, given, not estimated


def config_for(data_dir=None, profile="quick", **changes):
    config = helpers.lesson_config("austen", profile, data_dir=None if data_dir is None else str(data_dir))
    config.update(changes)
    return config


def test_ngram_keys_are_base_v_numbers():
    ids = np.array([1, 2, 0, 1])
    assert lesson.ngram_keys(ids, 2, 3).tolist() == [1 * 3 + 2, 2 * 3 + 0, 0 * 3 + 1]
    assert lesson.ngram_keys(ids, 3, 3, positions=[3]).tolist() == [2 * 9 + 0 * 3 + 1]


def test_the_modified_kneser_ney_discounts_by_hand():
    # n1 = 3, n2 = 2, n3 = 1, n4 = 1: Y = 3/7, D1 = 1 - 2Y n2/n1 = 3/7, D2 = 2 - 3Y n3/n2 = 19/14, D3 = 3 - 4Y n4/n3 = 9/7
    d = lesson.kn_discounts(np.array([1, 1, 1, 2, 2, 3, 4]))
    assert d == pytest.approx([0, 3 / 7, 19 / 14, 9 / 7], abs=1e-15)
    assert lesson.kn_discounts(np.array([1, 1, 2])).tolist() == [0.0, 0.5, 1.0, 1.5]   # no count of 3 or 4


def test_kneser_ney_on_a_tiny_corpus_by_hand():
    # "ababa" as ids 1 2 1 2 1, V = 3 (0 is the unknown character). Bigrams: ab twice, ba twice.
    # Order 1 uses continuation counts: a and b each follow one distinct character, so with D(1) = 0.5
    # p1(a) = p1(b) = (1 - 0.5)/2 + (2 * 0.5)/2 * 1/3 = 5/12, and p1(unknown) = 1/6.
    # Order 2 after "a": c(ab) = 2, D(2) = 1, gamma = 1/2: p(b|a) = (2 - 1)/2 + 1/2 * 5/12 = 17/24,
    # p(a|a) = 1/2 * 5/12 = 5/24, p(unknown|a) = 1/2 * 1/6 = 1/12.
    counts = lesson.kn_counts(np.array([1, 2, 1, 2, 1]), 2, 3)
    after_a = [lesson.kn_probabilities(counts, 2, 1.0, np.array([1, w]), np.array([1]), BY_HAND)[0] for w in (0, 1, 2)]
    assert after_a == pytest.approx([1 / 12, 5 / 24, 17 / 24], abs=1e-15)
    after_unknown = [lesson.kn_probabilities(counts, 2, 1.0, np.array([0, w]), np.array([1]), BY_HAND)[0] for w in (0, 1, 2)]
    assert after_unknown == pytest.approx([1 / 6, 5 / 12, 5 / 12], abs=1e-15)   # an unseen context: the order below
    # The order-1 model on its own uses the raw counts, a 3 times and b twice: D(3+) = 1.5, D(2) = 1,
    # p(a) = (3 - 1.5)/5 + 2.5/5 * 1/3 = 7/15, p(b) = (2 - 1)/5 + 1/6 = 11/30, p(unknown) = 1/6.
    order1 = [lesson.kn_probabilities(counts, 1, 1.0, np.array([w]), np.array([0]), BY_HAND)[0] for w in (0, 1, 2)]
    assert order1 == pytest.approx([1 / 6, 7 / 15, 11 / 30], abs=1e-15)


@pytest.mark.parametrize("scale", [0.9, 1.0, 1.2])
def test_the_ngram_probabilities_sum_to_one_over_the_vocabulary(scale):
    rng = np.random.default_rng(3)
    ids = rng.integers(1, 6, 400)   # five characters used, the unknown 0 never
    counts = lesson.kn_counts(ids, 4, 6)
    for context in ([1, 2, 3], [5, 5, 5], [0, 1, 2], list(ids[10:13])):
        p = [lesson.kn_probabilities(counts, 4, scale, np.array([*context, w]), np.array([3]))[0] for w in range(6)]
        assert sum(p) == pytest.approx(1.0, abs=1e-12) and min(p) > 0
    unigram = lesson.unigram_probabilities(ids, 6, np.arange(6), np.arange(6))
    assert unigram.sum() == pytest.approx(1.0, abs=1e-12)


def test_choose_ngram_agrees_with_kn_probabilities():
    rng = np.random.default_rng(4)
    ids, val = rng.integers(1, 5, 600), rng.integers(0, 5, 200)
    counts = lesson.kn_counts(ids, 3, 5)
    positions = np.arange(5, 200)
    chosen = lesson.choose_ngram(counts, val, positions, {"max_order": 3, "discount_scales": [0.8, 1.0]})
    for order in (1, 2, 3):
        for scale in (0.8, 1.0):
            expected = lesson.bits(lesson.kn_probabilities(counts, order, scale, val, positions))
            assert chosen["grid"][f"order{order}_scale{scale:g}"] == expected   # the same bits
    assert chosen["val_bpc"] == min(chosen["grid"].values())


def test_the_mixture_and_its_weight_by_hand():
    # The network gives the two characters 1/2 and 1/4, the n-gram 1/4 and 1/2: at weight w both get
    # (1 + w)/4 and (2 - w)/4, whose product is largest at w = 1/2, where each is 3/8.
    net, ngram = np.array([0.5, 0.25]), np.array([0.25, 0.5])
    assert lesson.mix(net, ngram, 0.5).tolist() == [0.375, 0.375]
    chosen = lesson.choose_mixture(net, ngram, 4)
    assert chosen["weight"] == 0.5 and list(chosen["grid"]) == ["0", "0.25", "0.5", "0.75", "1"]
    assert chosen["val_bpc"] == pytest.approx(-np.log2(0.375), abs=1e-15)
    assert chosen["grid"]["0"] == chosen["grid"]["1"] == pytest.approx(1.5, abs=1e-15)
    assert lesson.choose_mixture(np.ones(2), ngram, 4)["weight"] == 1.0   # a perfect network takes it all


def test_eval_windows_score_every_character_once_after_the_burn_in():
    x, y, positions = lesson.eval_windows(np.arange(12), {"window": 5, "burn_in": 2}, None)
    assert x.tolist() == [[0, 1, 2, 3, 4], [3, 4, 5, 6, 7], [6, 7, 8, 9, 10]]
    assert positions.tolist() == list(range(3, 12))
    assert y[:, 2:].ravel().tolist() == positions.tolist()   # ids equal positions here


def test_train_windows_are_next_character_pairs():
    novels = {"ids": {"a": np.arange(11), "b": np.arange(100, 108)}}
    x, y = lesson.train_windows(novels, {"window": 3, "split": {"train": ["a", "b"]}, "n_windows": None})
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [100, 101, 102], [103, 104, 105]]
    assert (y - x).tolist() == [[1] * 3] * 5
    x, _ = lesson.train_windows(novels, {"window": 3, "split": {"train": ["a", "b"]}, "n_windows": 2})
    assert x[:, 0].tolist() == [0, 6]   # spread evenly: windows 0 and 5 // 2


def test_the_shipped_novels():
    novels = lesson.load_novels(config_for())
    assert novels["V"] == 82 and lesson.decode([1, 0], novels["vocabulary"]) == "\n\ufffd"
    assert all(int(np.sum(novels["ids"][name] == 0)) == 0 for name in novels["names"])
    assert lesson.decode(novels["ids"]["persuasion"][:10], novels["vocabulary"]) == "Persuasion"
    assert lesson.encode("Emma", novels["vocabulary"]).tolist() == lesson.encode("Emma", novels["vocabulary"]).tolist()


@pytest.mark.parametrize("content, message", [
    (b"\xffcorrupt", "is not UTF-8 text"),
    (b"", "is empty, so the book Persuasion has no text"),
    ("Persuasion\n".encode(), "holds 11 characters, fewer than the 465725 the spec expects, so it is truncated"),
])
def test_the_reader_refuses_a_bad_book(data_copy, content, message):
    (data_copy / "text" / "persuasion.txt").write_bytes(content)
    reseal(data_copy, "text/persuasion.txt")
    with pytest.raises(WorkshopError) as caught:
        lesson.load_novels(config_for(data_copy))
    assert message in str(caught.value)


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    return read_results(quick_outputs(LESSON) / request.param / LESSON)


def test_the_lesson_recorded_every_novels_scores_and_the_test_summary(run):
    config = run["config"]
    split = config["split"]
    assert list(run["per_novel"]) == [*split["train"], split["val"], split["test"]]
    for row in run["per_novel"].values():
        for model in ("unigram", "ngram", "network", "mixture"):
            assert row[f"{model}_perplexity"] == pytest.approx(2 ** row[f"{model}_bpc"], rel=1e-12)
    test = run["test"]
    scored = run["per_novel"][split["test"]]
    assert test["network_bpc"] == scored["network_bpc"] and test["ngram_bpc"] == scored["ngram_bpc"]
    assert test["perplexity_reduction"] == 1 - scored["network_perplexity"] / scored["ngram_perplexity"]
    assert test["target_met"] == (test["perplexity_reduction"] >= 0.10)
    assert set(run["history"]) == {"loss", "val_loss"} and len(run["history"]["loss"]) == config["epochs"]


def test_the_encodings_count_the_two_models_parameters(run):
    enc, config = run["encodings"], run["config"]
    V, E, h = enc["vocabulary_size"], config["embedding_dim"], config["units"]
    assert V == run["vocabulary"]["size"] == len(run["vocabulary"]["chars"]) + 1
    assert enc["params_embedding_model"] == run["model"]["total_params"] == V * E + 3 * h * (E + h + 2) + V * (h + 1)
    assert enc["params_one_hot_model"] == 3 * h * (V + h + 2) + V * (h + 1)


def test_the_predictions_and_the_writing(run):
    config, p = run["config"], run["predictions"]
    n = len(p["position"])
    assert n == config["n_predictions"] and len(p["truth"]) == len(p["network_top"]) == n
    assert all(0 < q <= 1 for q in p["network_p_truth"] + p["ngram_p_truth"])
    assert list(run["generated"]) == [f"{t:g}" for t in config["temperatures"]]
    for text in run["generated"].values():
        assert text.startswith(config["prompt"]) and len(text) == len(config["prompt"]) + config["n_generate"]
