"""Bad input, at the command line, in both languages: one plain sentence, a non-zero
exit, and results already written are left alone."""
import hashlib
import gzip
import subprocess

import numpy as np
import pytest

from conftest import ROOT, run_lesson

LANGUAGES = ["python", "r"]
IMAGES = "mnist/t10k-images-idx3-ubyte.gz"


def error_sentence(done):
    """The last line on stderr, which must be the one plain sentence."""
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    assert lines, f"no error message; stdout was:\n{done.stdout[-2000:]}"
    return lines[-1]


def reseal(data_dir, key):
    """Rewrite the copy's manifest line for key, so the content check (not the checksum) fires."""
    manifest = data_dir / "MANIFEST.sha256"
    digest = hashlib.sha256((data_dir / key).read_bytes()).hexdigest()
    lines = [f"{digest}  {key}" if line.endswith(f"  {key}") else line
             for line in manifest.read_text().splitlines()]
    manifest.write_text("\n".join(lines) + "\n")


@pytest.fixture
def previous_results(tmp_path):
    """An output folder holding an earlier run's results, which a failed run must not touch."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text('{"earlier": true}\n')
    return out


def assert_refused(done, message, out):
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    sentence = error_sentence(done)
    assert sentence.startswith("Error: ") and message in sentence, sentence
    assert (out / "results.json").read_text() == '{"earlier": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_profile_and_dataset(language, previous_results):
    done = run_lesson(language, "cnn_mnist", "--profile", "huge", "--out", str(previous_results))
    assert_refused(done, "Unknown profile 'huge': choose one of quick, full.", previous_results)
    done = run_lesson(language, "cnn_mnist", "--dataset", "cifar", "--out", str(previous_results))
    assert_refused(done, "Unknown dataset 'cifar'", previous_results)
    done = run_lesson(language, "cnn_mnist", "--distribute", "tpu", "--out", str(previous_results))
    assert_refused(done, "Unknown distribution 'tpu': choose one of none, mirrored.", previous_results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_data_file(language, data_copy, previous_results):
    (data_copy / IMAGES).unlink()
    done = run_lesson(language, "cnn_mnist", "--data-dir", str(data_copy), "--out", str(previous_results))
    assert_refused(done, "is missing: run ./workshop setup", previous_results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_checksum_mismatch(language, data_copy, previous_results):
    path = data_copy / IMAGES
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF
    path.write_bytes(bytes(raw))
    done = run_lesson(language, "cnn_mnist", "--data-dir", str(data_copy), "--out", str(previous_results))
    assert_refused(done, "does not match its checksum", previous_results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_corrupt_idx_header(language, data_copy, previous_results):
    path = data_copy / IMAGES
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[2] = 0x0D                       # claims float32 values instead of bytes
    path.write_bytes(gzip.compress(bytes(raw)))
    reseal(data_copy, IMAGES)
    done = run_lesson(language, "cnn_mnist", "--data-dir", str(data_copy), "--out", str(previous_results))
    assert_refused(done, "header is corrupt", previous_results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_truncated_idx_file(language, data_copy, previous_results):
    path = data_copy / IMAGES
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[: len(raw) - 784 * 3 - 5]))
    reseal(data_copy, IMAGES)
    done = run_lesson(language, "cnn_mnist", "--data-dir", str(data_copy), "--out", str(previous_results))
    assert_refused(done, "is truncated or padded", previous_results)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dataset_that_is_not_installed(language, previous_results):
    done = run_lesson(language, "cnn_mnist", "--dataset", "mnist-full", "--data-dir", "/nonexistent",
                      "--out", str(previous_results))
    assert_refused(done, "./workshop data full-mnist", previous_results)


def test_r_without_the_venv(previous_results):
    done = run_lesson("r", "cnn_mnist", "--out", str(previous_results),
                      env={"WORKSHOP_PYTHON": "/nonexistent/.venv/bin/python"})
    assert_refused(done, "Python environment is missing (/nonexistent/.venv/bin/python): run ./workshop setup",
                   previous_results)


def test_r_already_on_another_python():
    script = ('reticulate::use_python("/usr/bin/python3", required = TRUE); invisible(reticulate::py_config()); '
              'source("R/helpers.R"); keras <- import_keras()')
    done = subprocess.run(["Rscript", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    sentence = error_sentence(done)
    assert "R is already using the Python at /usr/bin/python3" in sentence and "restart R" in sentence, sentence


@pytest.mark.parametrize("args, message", [
    (["run", "nope"], "Unknown lesson 'nope': choose one of foundations_convolution, foundations_pooling, "
                        "foundations_backpropagation, foundations_recurrence, cnn_classics, cnn_mnist"),
    (["run", "--profile", "huge"], "Unknown profile 'huge': choose one of quick, full."),
    (["frobnicate"], "Unknown command 'frobnicate'"),
    (["compare", "nope"], "Unknown lesson 'nope'"),
])
def test_workshop_command_refuses_unknown_names(args, message):
    done = subprocess.run([str(ROOT / "workshop"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert message in error_sentence(done)


# ---- Files that pass their checksum (a learner's own data and a fresh manifest) but do not fit ----
TRAIN_IMAGES, TRAIN_LABELS = "mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"


def rewrite_idx(data_dir, key, change):
    """Replace an IDX file of the copy by change(its array), written as a valid IDX file, and reseal it."""
    path = data_dir / key
    raw = gzip.decompress(path.read_bytes())
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim)]
    array = change(np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy())
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(gzip.compress(header + array.tobytes()))
    reseal(data_dir, key)


def set_first(value):
    def change(array):
        array[0] = value
        return array
    return change


IDX_CASES = {   # the file changed, how, and the words of the sentence
    "one label fewer than images": (TRAIN_LABELS, lambda a: a[:-1],
                                    ["train-images-idx3-ubyte.gz holds 4000 images but",
                                     "train-labels-idx1-ubyte.gz holds 3999 labels"]),
    "a label outside 0..9": (TRAIN_LABELS, set_first(12),
                             ["train-labels-idx1-ubyte.gz holds the label 12, but labels must be 0 to 9"]),
}   # images that are not 28x28 and labels that are not 1-d: tests/{python,R} unit tests of check_images


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(IDX_CASES))
def test_idx_files_that_do_not_fit(language, case, data_copy, previous_results):
    key, change, words = IDX_CASES[case]
    rewrite_idx(data_copy, key, change)
    done = run_lesson(language, "cnn_mnist", "--data-dir", str(data_copy), "--out", str(previous_results))
    for message in words:
        assert_refused(done, message, previous_results)
    assert "restore the dataset's files with git checkout -- shared_data" in done.stderr
    assert "Epoch" not in done.stdout and "Traceback" not in done.stderr


# ---- The command line: refused before any data is read or any training starts ----
@pytest.mark.parametrize("language", LANGUAGES)
def test_negative_seed(language, previous_results):
    done = run_lesson(language, "cnn_mnist", "--seed", "-5", "--out", str(previous_results))
    assert_refused(done, "The seed must be a whole number from 0 to 2147483647, not '-5'.", previous_results)
    assert "Traceback" not in done.stderr and "ValueError" not in done.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_out_under_a_regular_file(language, previous_results):
    out = previous_results / "results.json" / "run"
    done = run_lesson(language, "cnn_mnist", "--out", str(out))
    assert_refused(done, f"The output folder {out} lies under {previous_results / 'results.json'}, which is a file, "
                         f"not a folder: choose another with --out.", previous_results)
    assert "Epoch" not in done.stdout
