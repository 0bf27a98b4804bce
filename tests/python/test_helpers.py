"""Unit tests of python/helpers.py. tests/R/test-helpers.R mirrors them for R/helpers.R."""
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
import datasets
from helpers import WorkshopError
from conftest import ROOT

MNIST = ROOT / "shared_data" / "mnist"


def write_gz(path, payload):
    with gzip.open(path, "wb") as f:
        f.write(payload)
    return path


# ---- runtime --------------------------------------------------------------------
def test_the_workshop_runtime_beats_a_learners_own_keras_settings(tmp_path):
    """A learner with KERAS_BACKEND=jax and a ~/.keras/keras.json asking for float16 still gets
    TensorFlow in float32 once helpers is imported: the settings parity depends on win."""
    (tmp_path / ".keras").mkdir()
    (tmp_path / ".keras" / "keras.json").write_text('{"backend": "jax", "floatx": "float16"}')
    env = {**os.environ, "HOME": str(tmp_path), "KERAS_BACKEND": "jax", "TF_ENABLE_ONEDNN_OPTS": "1"}
    env.pop("KERAS_HOME", None)
    script = ("import sys; sys.path.insert(0, 'python'); import helpers, keras, os; "
              "print(keras.backend.backend(), keras.config.floatx(), os.environ['TF_ENABLE_ONEDNN_OPTS'])")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["tensorflow", "float32", "0"]


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
    assert config["distribute"] == "none"
    # only more_hardware takes --distribute; its own default is mirrored (2 logical CPUs)
    assert helpers.parse_cli("more_hardware", [])["distribute"] == "mirrored"
    assert helpers.parse_cli("more_hardware", ["--distribute=none"])["distribute"] == "none"


def test_a_beginners_lesson_refuses_distribute_in_one_sentence():
    with pytest.raises(WorkshopError) as refused:
        helpers.parse_cli("cnn_mnist", ["--distribute", "mirrored"])
    assert str(refused.value) == ("Unknown option '--distribute': only the lesson more_hardware trains on several "
                                  "devices; use --profile, --dataset, --seed, --out, --data-dir.")
    assert "--distribute" not in helpers.help_text("cnn_mnist")
    assert "--distribute HOW none, mirrored (a copy per device) or multiworker (a copy per machine); the default is mirrored" \
        in helpers.help_text("more_hardware")


@pytest.mark.parametrize("kwargs, message", [
    ({"lesson": "nope"}, "Unknown lesson 'nope'"),
    ({"lesson": "cnn_mnist", "profile": "huge"}, "Unknown profile 'huge': choose one of quick, full."),
    ({"lesson": "cnn_mnist", "dataset": "cifar"}, "Unknown dataset 'cifar'"),
    ({"lesson": "more_hardware", "distribute": "tpu"}, "Unknown distribution 'tpu': choose one of none, mirrored, multiworker."),
    ({"lesson": "cnn_mnist", "distribute": "mirrored"}, "cnn_mnist trains on one device and takes no --distribute: "
                                                        "training on several devices is the lesson more_hardware."),
])
def test_unknown_lesson_profile_dataset(kwargs, message):
    with pytest.raises(WorkshopError, match=message):
        helpers.lesson_config(**kwargs)


@pytest.mark.parametrize("seed", ["-5", -5, "4.5", 4.5, "abc", "1e3", "2147483648", 2**31, ""])
def test_seed_must_be_a_whole_number_r_can_hold(seed):
    with pytest.raises(WorkshopError) as refused:
        helpers.lesson_config("cnn_mnist", seed=seed)
    assert str(refused.value) == f"The seed must be a whole number from 0 to 2147483647, not '{seed}'."


def test_seeds_at_the_edges_of_the_range():
    assert helpers.lesson_config("cnn_mnist", seed="0")["seed"] == 0
    assert helpers.lesson_config("cnn_mnist", seed="007")["seed"] == 7
    assert helpers.lesson_config("cnn_mnist", seed=3.0)["seed"] == 3
    assert helpers.lesson_config("cnn_mnist", seed=2147483647)["seed"] == 2147483647
    # the full profile trains 3 seeds, seed, seed + 1, seed + 2: the last must fit too
    assert helpers.lesson_config("lstm_vs_gru", "full", seed=2147483645)["seed"] == 2147483645
    with pytest.raises(WorkshopError, match="from 0 to 2147483645, not '2147483646'"):
        helpers.lesson_config("lstm_vs_gru", "full", seed=2147483646)


@pytest.mark.parametrize("argv, message", [
    (["--seed", "3", "--seed=4"], "The option '--seed' is given twice: give it once."),
    (["--out", "a", "--out", "a"], "The option '--out' is given twice: give it once."),
    (["--out="], "The option '--out' needs a value."),
    (["--profile"], "The option '--profile' needs a value."),
    (["--profile", "--out", "dir"], "The option '--profile' needs a value."),   # not "Unknown option 'dir'"
    (["--prof", "quick"], "Unknown option '--prof': use --profile, --dataset, --seed, --out, --data-dir."),
    (["quick"], "Unknown option 'quick': use --profile, --dataset, --seed, --out, --data-dir."),
])
def test_parse_cli_refuses_repeated_empty_and_unknown_options(argv, message):
    with pytest.raises(WorkshopError) as refused:
        helpers.parse_cli("cnn_mnist", argv)
    assert str(refused.value) == message
    if "Unknown option" in message:   # more_hardware lists --distribute too
        with pytest.raises(WorkshopError) as refused:
            helpers.parse_cli("more_hardware", argv)
        assert str(refused.value) == message.replace("--data-dir.", "--data-dir, --distribute.")


@pytest.mark.parametrize("option", ["--profile=quick", "--seed=-5", "--dataset=mnist", "--data-dir=x"])
def test_a_lesson_done_by_hand_takes_only_out(option, tmp_path):
    with pytest.raises(WorkshopError) as refused:
        helpers.parse_cli("cnn_classics", ["--out", str(tmp_path), option])
    assert str(refused.value) == f"cnn_classics trains nothing, so it takes only --out: leave out {option.split('=')[0]}."
    assert helpers.parse_cli("cnn_classics", ["--out", str(tmp_path)])["out"] == str(tmp_path)


@pytest.mark.parametrize("key, value, fix", [
    ("length", 1, "use a whole number above 1"), ("n_train", 0, "use a whole number above 0"),
    ("batch_size", 2.5, "use a whole number above 0"), ("units", None, "use a whole number above 0"),
    ("learning_rate", 0, "use a number above 0"), ("solved_below", "small", "use a number above 0"),
])
def test_check_profile_refuses_adding_settings_no_run_can_use(key, value, fix):
    config = helpers.lesson_config("lstm_vs_gru")
    config["adding"][key] = value
    with pytest.raises(WorkshopError) as refused:
        helpers.check_profile(config)
    assert str(refused.value) == (f"shared_data/spec.json sets adding.{key} to {json.dumps(value)} for the quick "
                                  f"profile of lstm_vs_gru: {fix}.")


def spec_says(lesson, profile="quick", **changes):
    """The lesson's config as lesson_config builds it, with some spec values changed."""
    return {**helpers.lesson_config(lesson, profile), **changes}


@pytest.mark.parametrize("lesson, changes, message", [
    ("cnn_mnist", {"n_train": 0}, "sets n_train to 0 for the quick profile of cnn_mnist: "
                                  "use a whole number above 0 (or null for all rows)."),
    ("cnn_mnist", {"n_test": -5}, "sets n_test to -5 for the quick profile of cnn_mnist: "
                                  "use a whole number above 0 (or null for all rows)."),
    ("cnn_mnist", {"n_val": None}, "sets n_val to null for the quick profile of cnn_mnist: use a whole number above 0."),
    ("cnn_mnist", {"epochs": 2.5}, "sets epochs to 2.5 for the quick profile of cnn_mnist: use a whole number above 0."),
    ("cnn_mnist", {"batch_size": 0}, "sets batch_size to 0 for"),
    ("cnn_mnist", {"seed": -1}, "sets seed to -1 for the quick profile of cnn_mnist: use a whole number from 0 to 2147483647."),
    ("lstm_vs_gru", {"n_seeds": 0}, "sets n_seeds to 0 for the quick profile of lstm_vs_gru"),
    ("rnn_forecaster", {"window": -20}, "sets window to -20 for"),
    ("rnn_forecaster", {"train_fraction": 1.5}, "sets train_fraction to 1.5 for the quick profile of rnn_forecaster: "
                                                "use a number between 0 and 1."),
    ("rnn_forecaster", {"val_fraction": 0}, "sets val_fraction to 0 for"),
    ("rnn_forecaster", {"train_fraction": 0.9, "val_fraction": 0.1},
     "sets train_fraction to 0.9 for the quick profile of rnn_forecaster: "
     "keep train_fraction + val_fraction below 1, so that a test part is left."),
])
def test_check_profile_refuses_numbers_no_lesson_can_run_with(lesson, changes, message):
    with pytest.raises(WorkshopError) as refused:
        helpers.check_profile(spec_says(lesson, **changes))
    assert str(refused.value).startswith("shared_data/spec.json sets ") and message in str(refused.value)


def test_check_profile_keeps_whole_numbers_and_null_row_counts():
    config = helpers.check_profile(spec_says("cnn_mnist", n_train=None, n_test=None, epochs=3.0))
    assert (config["n_train"], config["n_test"], config["epochs"]) == (None, None, 3)
    assert type(config["epochs"]) is int


def test_check_out_refuses_a_file_or_a_path_under_one(tmp_path):
    (tmp_path / "results.json").write_text("{}")
    with pytest.raises(WorkshopError) as refused:
        helpers.check_out(str(tmp_path / "results.json"))
    assert str(refused.value) == (f"The output folder {tmp_path}/results.json is a file, not a folder: "
                                  f"choose another with --out.")
    with pytest.raises(WorkshopError) as refused:
        helpers.check_out(str(tmp_path / "results.json" / "a" / "b"))
    assert str(refused.value) == (f"The output folder {tmp_path}/results.json/a/b lies under {tmp_path}/results.json, "
                                  f"which is a file, not a folder: choose another with --out.")
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_check_out_accepts_a_new_folder_and_leaves_nothing_behind(tmp_path):
    helpers.check_out(str(tmp_path / "new" / "folder"))
    helpers.check_out(str(tmp_path))
    assert list(tmp_path.iterdir()) == []          # neither the folder nor the probe file


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder this process cannot write into, on any machine. chmod 555 stops a user but not root;
    for root, a read-only bind mount of a fresh folder; where root may not mount (a container), /sys,
    which refuses a new file as "Permission denied" or, mounted read-only, as "Read-only file system"."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    mounted = False
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode == 0
        if not (mounted and subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                                           capture_output=True).returncode == 0):
            folder = Path("/sys")
    yield folder
    if mounted:
        subprocess.run(["umount", str(tmp_path / "read-only")], check=True)
    (tmp_path / "read-only").chmod(0o755)


def test_check_out_refuses_a_read_only_folder(read_only_folder):
    with pytest.raises(WorkshopError, match=r"cannot be written \((Permission denied|Read-only file system)\): "
                                            r"choose another with --out\.$"):
        helpers.check_out(str(read_only_folder / "workshop-out"))


# ---- IDX reader -----------------------------------------------------------------
def test_read_idx_reads_the_shipped_subset():
    images = datasets.read_idx(MNIST / "train-images-idx3-ubyte.gz")
    labels = datasets.read_idx(MNIST / "train-labels-idx1-ubyte.gz")
    assert images.shape == (4000, 28, 28) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert np.bincount(labels).tolist() == [400] * 10


def test_read_idx_round_trips_a_small_array(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + (4).to_bytes(4, "big")
    path = write_gz(tmp_path / "small.gz", header + array.tobytes())
    assert np.array_equal(datasets.read_idx(path), array)


@pytest.mark.parametrize("payload, message", [
    (b"\x00\x00\x0d\x03" + b"\x00" * 20, "header is corrupt"),        # float IDX, not bytes
    (b"\x12\x34", "header is corrupt"),                                # too short for a header
    (bytes([0, 0, 8, 3, 0, 0]), "truncated inside its header"),
    (bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"\x01" * 7, "promises 10 values but it holds 7"),
])
def test_read_idx_refuses_broken_files(tmp_path, payload, message):
    path = write_gz(tmp_path / "broken.gz", payload)
    with pytest.raises(WorkshopError, match=message):
        datasets.read_idx(path)


def test_read_idx_refuses_a_non_gzip_file(tmp_path):
    path = tmp_path / "plain.gz"
    path.write_bytes(b"this is not gzip")
    with pytest.raises(WorkshopError, match="not a readable gzip file"):
        datasets.read_idx(path)


# ---- checksums and splits -------------------------------------------------------
def test_verify_file_accepts_the_manifest(data_copy):
    path = data_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    assert datasets.verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_copy) == path


def test_verify_file_refuses_missing_changed_and_unlisted_files(data_copy):
    path = data_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    with pytest.raises(WorkshopError, match="is missing"):
        datasets.verify_file(data_copy / "mnist" / "gone.gz", "mnist/gone.gz", data_copy)
    with pytest.raises(WorkshopError, match="has no checksum"):
        datasets.verify_file(path, "mnist/other.gz", data_copy)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(WorkshopError, match="does not match its checksum"):
        datasets.verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_copy)


def test_load_images_splits_as_the_spec_says():
    config = helpers.lesson_config("cnn_mnist", "quick")
    data = datasets.load_images(config)
    assert data["x_train"].shape == (config["n_train"], 28, 28)
    assert data["x_val"].shape == (config["n_val"], 28, 28)
    assert data["y_test"].shape == (config["n_test"],)
    everything = datasets.read_idx(MNIST / "train-images-idx3-ubyte.gz")
    assert np.array_equal(data["x_val"], everything[-config["n_val"]:])   # validation is the tail


def test_load_images_refuses_an_oversized_profile():
    config = {**helpers.lesson_config("cnn_mnist", "quick"), "n_train": 3900, "n_val": 200}
    with pytest.raises(WorkshopError, match="only 4000"):
        datasets.load_images(config)


def test_missing_dataset_names_the_install_command():
    config = {**helpers.lesson_config("cnn_mnist", "quick", dataset="mnist-full"), "data_dir": "/nonexistent"}
    with pytest.raises(WorkshopError, match="not installed .* ./workshop data full-mnist"):
        datasets.load_images(config)


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((3, 28, 28)), np.zeros(2), "i.gz holds 3 images but l.gz holds 2 labels: restore the dataset's files"),
    (np.zeros((2, 28, 28)), np.array([0, 10]), "l.gz holds the label 10, but labels must be 0 to 9: restore"),
    (np.zeros((2, 28, 27)), np.zeros(2), "i.gz holds a 2x28x27 array, not 28x28 images: restore"),
    (np.zeros((2, 784)), np.zeros(2), "i.gz holds a 2x784 array, not 28x28 images: restore"),
    (np.zeros((2, 28, 28)), np.zeros((2, 1)), "l.gz holds a 2x1 array, not one label per image: restore"),
])
def test_check_images_refuses_files_that_do_not_belong_together(images, labels, message):
    with pytest.raises(WorkshopError) as refused:
        datasets.check_images(images.astype(np.uint8), labels.astype(np.uint8), "i.gz", "l.gz")
    assert str(refused.value).startswith(message)
    assert str(refused.value).endswith("with git checkout -- shared_data (or rerun ./workshop setup).")


def test_load_images_refuses_too_many_test_rows_or_no_training_rows():
    with pytest.raises(WorkshopError, match="asks for 1001 test rows, but mnist has only 1000"):
        datasets.load_images({**helpers.lesson_config("cnn_mnist", "quick"), "n_test": 1001})
    with pytest.raises(WorkshopError, match="asks for 4000 validation rows, but mnist has only 4000, which leaves none"):
        datasets.load_images({**helpers.lesson_config("cnn_mnist", "quick"), "n_train": None, "n_val": 4000})


def series_in(tmp_path, text):
    """A data folder holding only this CSV text as the series, with a manifest that accepts it."""
    (tmp_path / "series").mkdir()
    (tmp_path / "series" / "eustockmarkets.csv").write_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    (tmp_path / "MANIFEST.sha256").write_text(f"{digest}  series/eustockmarkets.csv\n")
    return {**helpers.lesson_config("rnn_forecaster"), "data_dir": str(tmp_path)}


@pytest.mark.parametrize("text, message", [
    ("", "holds nothing, no data rows: restore it with git checkout -- shared_data."),
    ('"t","DAX"\n\n', "holds only a header, no data rows: restore it with git checkout -- shared_data."),
    ('"t","DAX"\n1,10\n2\n3,30\n', "Data row 2 of {csv} has a different number of fields (1) than the header (2)"),
    ('"t","DAX"\n1,10\n\n2,20,5\n', "Data row 2 of {csv} has a different number of fields (3) than the header (2)"),
    ('"t","DAX"\n1,"10,5"\n2,20,\n', "Data row 2 of {csv} has a different number of fields (3) than the header (2)"),
])
def test_load_series_refuses_empty_files_and_ragged_rows(tmp_path, text, message):
    config = series_in(tmp_path, text)
    csv = tmp_path / "series" / "eustockmarkets.csv"
    with pytest.raises(WorkshopError) as refused:
        datasets.load_series(config)
    assert message.format(csv=csv) in str(refused.value)


def test_load_series_reads_quoted_fields_and_skips_blank_lines(tmp_path):
    config = series_in(tmp_path, '"t","DAX","note"\n1,10.5,"a, b"\n\n2,11,\n')
    assert datasets.load_series(config).tolist() == [10.5, 11.0]


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


def no_room(out, tmp_name, how):
    """Make writing out/tmp_name fail for lack of space, the way a full disk does.

    "tmpfs": out lies on a 64 KiB tmpfs (mounted by the full_disk fixture), filled here to its last
    8 KiB. "/dev/full": the temporary file is a link to /dev/full, where every write fails with
    ENOSPC; that needs no mount, so it holds where a test may not mount (a CI container).
    """
    if how == "tmpfs":
        filler = out.parent / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:   # the disk is full
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - 8192))
        finally:
            os.close(fd)
    else:
        (out / tmp_name).symlink_to("/dev/full")


@pytest.fixture(params=["tmpfs", "/dev/full"])
def full_disk(request, tmp_path):
    """An output folder holding an earlier run's results.json and confusion_matrix.png, on a disk
    that is about to fill up. Where no tmpfs may be mounted, the "tmpfs" case falls back to /dev/full."""
    disk = tmp_path / "disk"
    disk.mkdir()
    how = request.param
    if how == "tmpfs" and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                         capture_output=True).returncode != 0:
        how = "/dev/full"
    out = disk / "out"
    out.mkdir()
    (out / "results.json").write_text('{"earlier": true}\n')
    (out / "confusion_matrix.png").write_bytes(b"the earlier picture")
    yield out, lambda tmp_name: no_room(out, tmp_name, how)
    if os.path.ismount(disk):
        subprocess.run(["umount", "-l", str(disk)], check=True)


def assert_earlier_results_kept(out):
    assert (out / "results.json").read_text() == '{"earlier": true}\n'
    assert (out / "confusion_matrix.png").read_bytes() == b"the earlier picture"
    assert sorted(p.name for p in out.iterdir()) == ["confusion_matrix.png", "results.json"]   # no temporary file


def test_write_results_on_a_full_disk_keeps_every_earlier_file(full_disk):
    out, fill = full_disk
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}
    fill(".training_curves.png.tmp.png")
    with pytest.raises(WorkshopError) as refused:
        helpers.write_results({"out": str(out)}, {"lesson": "x"}, plots={
            "training_curves.png": lambda p: helpers.plot_history(history, p, "x"),
            "confusion_matrix.png": lambda p: p.write_bytes(b"a new picture")})
    assert str(refused.value) == f"No space left on device while writing {out}/training_curves.png: earlier results kept."
    assert_earlier_results_kept(out)


def test_write_results_renames_no_picture_when_results_json_cannot_be_written(full_disk):
    out, fill = full_disk
    fill(".results.json.tmp")
    with pytest.raises(WorkshopError) as refused:
        helpers.write_results({"out": str(out)}, {"lesson": "x", "values": list(range(200_000))},
                              plots={"confusion_matrix.png": lambda p: p.write_bytes(b"a new picture")})
    assert str(refused.value) == f"No space left on device while writing {out}/results.json: earlier results kept."
    assert_earlier_results_kept(out)
