"""The shared training steps (python/steps.py), against values worked out by hand.

Parity proves that the twins agree; these tests catch a bug both would share.
tests/R/test-steps.R mirrors them.
"""
import numpy as np
import pytest

import helpers
import datasets
import steps
from test_series import config_for, write_series


def test_confusion_matrix_rows_are_the_truth():
    # two 0s taken for 1s, a 1 right, a 2 taken for 0: by hand
    counts = steps.confusion_matrix([0, 0, 1, 2], [1, 1, 1, 0], n_classes=3)
    assert counts.tolist() == [[0, 2, 0],
                               [0, 1, 0],
                               [1, 0, 0]]
    assert counts.sum(axis=1).tolist() == [2, 1, 1]   # row sums count each true class


def test_regression_scores_and_mean_sd():
    scores = steps.regression_scores([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    assert scores["rmse"] == pytest.approx(np.sqrt(4 / 3)) and scores["mae"] == pytest.approx(2 / 3)
    assert steps.mean_sd([1.0, 2.0, 6.0]) == {"mean": 3.0, "sd": pytest.approx(np.sqrt(7))}
    assert steps.mean_sd([2.0]) == {"mean": 2.0, "sd": None}


def test_persistence_is_a_predicted_change_of_zero():
    scores = steps.persistence_scores({"y_test": np.array([3.0, -4.0])})
    assert scores["rmse"] == pytest.approx(np.sqrt((9 + 16) / 2)) and scores["mae"] == pytest.approx(3.5)


# A series whose day-to-day changes are 1, 2, 3, ...: every change says where it came from.
CHANGES = np.arange(1.0, 120.0)
PRICES = np.concatenate([[100.0], 100.0 + np.cumsum(CHANGES)])


@pytest.fixture
def hand_series(data_copy):
    write_series(data_copy, PRICES.tolist())
    return datasets.series_windows(config_for(data_copy, window=5))


def test_the_train_validation_and_test_cuts_never_overlap_in_time(hand_series):
    n = len(CHANGES)                                     # 119 changes: 83 train, 17 validation, 19 test
    n_train, n_val = int(n * 0.7), int(n * 0.15)
    used = {part: set(np.ravel(hand_series["x_" + part])) | set(hand_series["y_" + part])
            for part in ("train", "val", "test")}
    assert max(used["train"]) == n_train and min(used["val"]) == n_train + 1
    assert max(used["val"]) == n_train + n_val and min(used["test"]) == n_train + n_val + 1
    assert max(used["test"]) == n


def test_the_normaliser_sees_only_the_training_part(hand_series):
    # lesson 4 adapts its Normalization layers on train_changes (test_rnn_forecaster.py checks both pages)
    assert hand_series["train_changes"].tolist() == CHANGES[:83].tolist()


def test_the_forecast_is_the_last_close_plus_the_predicted_change(hand_series):
    # what lesson 4's predict cell does with a model that always predicts a change of 2
    change = np.full(len(hand_series["x_test"]), 2.0)
    forecast = hand_series["last_test"] + change
    assert np.array_equal(hand_series["last_test"] + hand_series["y_test"], hand_series["next_test"])
    y = hand_series["y_test"]                            # the changes 106..119: persistence errs by all of it
    scores, persistence = steps.regression_scores(y, change), steps.persistence_scores(hand_series)
    assert persistence["mae"] == pytest.approx(np.mean(y))
    assert scores["mae"] == pytest.approx(np.mean(y) - 2.0)
    assert scores["rmse"] < persistence["rmse"]
    assert np.array_equal(forecast - hand_series["next_test"], change - y)
