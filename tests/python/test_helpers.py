"""Unit tests of python/helpers.py. tests/R/test-helpers.R mirrors them for R/helpers.R."""
import gzip
import hashlib
import json

import numpy as np
import pytest

import helpers
from helpers import WorkshopError
from conftest import ROOT

MNIST = ROOT / "shared_data" / "mnist"


def write_gz(path, payload):
    with gzip.open(path, "wb") as f:
        f.write(payload)
    return path


# ---- runtime --------------------------------------------------------------------
def test_runtime_env_is_set_before_tensorflow_loads():
    import os
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert os.environ["KERAS_BACKEND"] == "tensorflow"
    assert os.environ["KERAS_HOME"] == str(ROOT / ".keras")


# ---- spec and CLI ---------------------------------------------------------------
def test_quick_profile_merges_spec_and_cli():
    config = helpers.lesson_config("cnn_mnist", "quick", seed=7)
    assert config["seed"] == 7
    assert config["epochs"] == helpers.load_spec()["lessons"]["cnn_mnist"]["profiles"]["quick"]["epochs"]
    assert config["dataset"] == "mnist"
    assert config["out"].endswith("outputs/python/cnn_mnist")


def test_parse_cli_reads_options():
    config = helpers.parse_cli("cnn_mnist", ["--profile", "full", "--dataset", "fashion", "--seed", "3"])
    assert (config["profile"], config["dataset"], config["seed"]) == ("full", "fashion", 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"lesson": "nope"}, "Unknown lesson 'nope'"),
    ({"lesson": "cnn_mnist", "profile": "huge"}, "Unknown profile 'huge': choose one of quick, full."),
    ({"lesson": "cnn_mnist", "dataset": "cifar"}, "Unknown dataset 'cifar'"),
])
def test_unknown_lesson_profile_dataset(kwargs, message):
    with pytest.raises(WorkshopError, match=message):
        helpers.lesson_config(**kwargs)


# ---- IDX reader -----------------------------------------------------------------
def test_read_idx_reads_the_shipped_subset():
    images = helpers.read_idx(MNIST / "train-images-idx3-ubyte.gz")
    labels = helpers.read_idx(MNIST / "train-labels-idx1-ubyte.gz")
    assert images.shape == (4000, 28, 28) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert np.bincount(labels).tolist() == [400] * 10


def test_read_idx_round_trips_a_small_array(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + (4).to_bytes(4, "big")
    path = write_gz(tmp_path / "small.gz", header + array.tobytes())
    assert np.array_equal(helpers.read_idx(path), array)


@pytest.mark.parametrize("payload, message", [
    (b"\x00\x00\x0d\x03" + b"\x00" * 20, "header is corrupt"),        # float IDX, not bytes
    (b"\x12\x34", "header is corrupt"),                                # too short for a header
    (bytes([0, 0, 8, 3, 0, 0]), "truncated inside its header"),
    (bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"\x01" * 7, "promises 10 values but it holds 7"),
])
def test_read_idx_refuses_broken_files(tmp_path, payload, message):
    path = write_gz(tmp_path / "broken.gz", payload)
    with pytest.raises(WorkshopError, match=message):
        helpers.read_idx(path)


def test_read_idx_refuses_a_non_gzip_file(tmp_path):
    path = tmp_path / "plain.gz"
    path.write_bytes(b"this is not gzip")
    with pytest.raises(WorkshopError, match="not a readable gzip file"):
        helpers.read_idx(path)


# ---- checksums and splits -------------------------------------------------------
def test_verify_file_accepts_the_manifest(data_copy):
    path = data_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    assert helpers.verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_copy) == path


def test_verify_file_refuses_missing_changed_and_unlisted_files(data_copy):
    path = data_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    with pytest.raises(WorkshopError, match="is missing"):
        helpers.verify_file(data_copy / "mnist" / "gone.gz", "mnist/gone.gz", data_copy)
    with pytest.raises(WorkshopError, match="has no checksum"):
        helpers.verify_file(path, "mnist/other.gz", data_copy)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(WorkshopError, match="does not match its checksum"):
        helpers.verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_copy)


def test_load_images_splits_as_the_spec_says():
    config = helpers.lesson_config("cnn_mnist", "quick")
    data = helpers.load_images(config)
    assert data["x_train"].shape == (config["n_train"], 28, 28)
    assert data["x_val"].shape == (config["n_val"], 28, 28)
    assert data["y_test"].shape == (config["n_test"],)
    everything = helpers.read_idx(MNIST / "train-images-idx3-ubyte.gz")
    assert np.array_equal(data["x_val"], everything[-config["n_val"]:])   # validation is the tail


def test_load_images_refuses_an_oversized_profile():
    config = {**helpers.lesson_config("cnn_mnist", "quick"), "n_train": 3900, "n_val": 200}
    with pytest.raises(WorkshopError, match="only 4000"):
        helpers.load_images(config)


def test_missing_dataset_names_the_install_command():
    config = {**helpers.lesson_config("cnn_mnist", "quick", dataset="mnist-full"), "data_dir": "/nonexistent"}
    with pytest.raises(WorkshopError, match="not installed .* ./workshop data full-mnist"):
        helpers.load_images(config)


# ---- results --------------------------------------------------------------------
class FakeModel:
    def __init__(self, weights):
        self.weights_ = weights

    def get_weights(self):
        return self.weights_


def test_weights_sha256_is_float32_little_endian_c_order():
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    b = np.array([0.5, -0.25], dtype=np.float32)
    expected = hashlib.sha256(np.array([1, 2, 3, 4, 5, 6, 0.5, -0.25], dtype="<f4").tobytes()).hexdigest()
    assert expected == "c558417924c818239bacc6192073ad42943e72fa6109df783f228a8312740310"  # R asserts it too
    assert helpers.weights_sha256(FakeModel([w, b])) == expected
    assert helpers.weights_sha256(FakeModel([np.asfortranarray(w), b])) == expected


def test_write_results_is_atomic_and_tagged(tmp_path):
    config = {"out": str(tmp_path / "out")}
    drawn = []
    path = helpers.write_results(config, {"lesson": "x", "value": 1.5},
                                 plots={"a.png": lambda p: (p.write_bytes(b"png"), drawn.append(p))})
    results = json.loads(path.read_text())
    assert results == {"schema": "workshop-results/1", "language": "python", "lesson": "x", "value": 1.5}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "results.json"]
    assert drawn and not drawn[0].exists()   # the temporary file was renamed into place
