"""Bad series input at the command line, in both languages: one clear sentence, exit code 2,
and an earlier results.json left as it was."""
import hashlib

import pytest

from conftest import run_lesson
from test_bad_input import assert_refused, previous_results, reseal  # noqa: F401 (a fixture)

CSV = "series/eustockmarkets.csv"
HEADER = '"t","time","DAX","SMI","CAC","FTSE"'


def write_csv(data_dir, dax, fix_manifest=True):
    """Put a broken series into the copy; with fix_manifest, its checksum passes so the content check fires."""
    path = data_dir / CSV
    rows = [f"{i + 1},{1991 + i / 260:.6f},{v},1,1,1" for i, v in enumerate(dax)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    if fix_manifest:
        manifest = data_dir / "MANIFEST.sha256"
        kept = [line for line in manifest.read_text().splitlines() if not line.endswith(" " + CSV)]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest.write_text("\n".join([*kept, f"{digest}  {CSV}"]) + "\n")


CASES = {
    # 30 closes: longer than the window of 20, but the training part holds only 20 changes
    "too few rows for the window": (
        [1000.0 + i for i in range(30)], True, "The train part of the DAX series has 20 values, too few for a window of 20"),
    "NaN in the series": (
        [1000.0 + i for i in range(40)] + ["NaN"] + [1040.0 + i for i in range(40)], True,
        "The DAX series in"),
    "window larger than the series": (
        [1000.0 + i for i in range(12)], True, "The window of 20 values is not shorter than the whole DAX series (12 rows)"),
    "checksum mismatch": (
        [1000.0 + i for i in range(400)], False, "does not match its checksum in the manifest"),
}


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_series_gets_one_sentence_and_exit_2(language, case, data_copy, tmp_path):
    dax, fix_manifest, message = CASES[case]
    write_csv(data_copy, dax, fix_manifest)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text('{"earlier": "results"}\n')
    done = run_lesson(language, "rnn_forecaster", "--data-dir", str(data_copy), "--out", str(out))
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and message in last, done.stderr[-2000:]
    assert last.count(": ") <= 3 and last.endswith(".")        # one sentence, no traceback
    assert "Traceback" not in done.stderr
    assert (out / "results.json").read_text() == '{"earlier": "results"}\n'
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]


def test_nan_message_names_the_row(data_copy):
    write_csv(data_copy, [1.0, 2.0, "NaN", 4.0])
    done = run_lesson("python", "lstm_vs_gru", "--data-dir", str(data_copy), "--out", str(data_copy / "o"))
    assert done.returncode == 2
    assert "missing or non-numeric value ('NaN') on data row 3" in done.stderr


ROWS = [f"{i + 1},{1991 + i / 260:.6f},{1000 + i},1,1,1" for i in range(400)]
LINE_CASES = {
    # a stray field before the DAX: Python used to read 99 as that day's DAX, R to wrap the row
    # (a row with a field too few, and a file with no rows, are the unit tests' cases)
    "a row with a field too many": (
        [HEADER, *ROWS[:40], "41,1991.153846,99,1040,1,1,1", *ROWS[41:]],
        "Data row 41 of {csv} has a different number of fields (7) than the header (6): fix that row"),
}


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", list(LINE_CASES))
def test_malformed_csv_gets_one_sentence_and_exit_2(language, case, data_copy, previous_results):
    lines, message = LINE_CASES[case]
    (data_copy / CSV).write_text("\n".join(lines) + "\n")
    reseal(data_copy, CSV)
    done = run_lesson(language, "rnn_forecaster", "--data-dir", str(data_copy), "--out", str(previous_results))
    assert_refused(done, message.format(csv=data_copy / CSV), previous_results)
    assert "Traceback" not in done.stderr and "Epoch" not in done.stdout
