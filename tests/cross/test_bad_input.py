"""Bad input, at the command line, in both languages: one plain sentence, a non-zero
exit, and results already written are left alone."""
import hashlib
import gzip
import subprocess

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
    (["run", "nope"], "Unknown lesson 'nope': choose one of foundations, cnn_mnist"),
    (["run", "--profile", "huge"], "Unknown profile 'huge': choose one of quick, full."),
    (["frobnicate"], "Unknown command 'frobnicate'"),
    (["compare", "nope"], "Unknown lesson 'nope'"),
])
def test_workshop_command_refuses_unknown_names(args, message):
    done = subprocess.run([str(ROOT / "workshop"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert message in error_sentence(done)
