"""Bad series input at the command line, in both languages: one clear sentence, exit code 2,
and an earlier results.json left as it was. The cases share one process per language
(conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals)."""
import hashlib

import pytest

from conftest import assert_refused, broken_data, reseal

CSV = "series/eustockmarkets.csv"
HEADER = '"t","time","DAX","SMI","CAC","FTSE"'


def with_csv(dax, fix_manifest=True):
    """Put a broken series into the copy; with fix_manifest, its checksum passes so the content check fires."""
    def breaking(data_dir):
        path = data_dir / CSV
        rows = [f"{i + 1},{1991 + i / 260:.6f},{v},1,1,1" for i, v in enumerate(dax)]
        path.write_text("\n".join([HEADER, *rows]) + "\n")
        if fix_manifest:
            manifest = data_dir / "MANIFEST.sha256"
            kept = [line for line in manifest.read_text().splitlines() if not line.endswith(" " + CSV)]
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            manifest.write_text("\n".join([*kept, f"{digest}  {CSV}"]) + "\n")
    return breaking


def with_lines(lines):
    def breaking(data_dir):
        (data_dir / CSV).write_text("\n".join(lines) + "\n")
        reseal(data_dir, CSV)
    return breaking


ROWS = [f"{i + 1},{1991 + i / 260:.6f},{1000 + i},1,1,1" for i in range(400)]

# name: (lesson, how the copy of shared_data is broken, the words of the sentence; {csv} is the file)
CASES = {
    # 30 closes: longer than the window of 20, but the training part holds only 20 changes
    "too few rows for the window": (
        "rnn_forecaster", with_csv([1000.0 + i for i in range(30)]),
        "The train part of the DAX series has 20 values, too few for a window of 20"),
    "NaN in the series": (
        "rnn_forecaster", with_csv([1000.0 + i for i in range(40)] + ["NaN"] + [1040.0 + i for i in range(40)]),
        "The DAX series in"),
    "window larger than the series": (
        "rnn_forecaster", with_csv([1000.0 + i for i in range(12)]),
        "The window of 20 values is not shorter than the whole DAX series (12 rows)"),
    "checksum mismatch": (
        "rnn_forecaster", with_csv([1000.0 + i for i in range(400)], fix_manifest=False),
        "does not match its checksum in the manifest"),
    "the NaN's row is named": (
        "lstm_vs_gru", with_csv([1.0, 2.0, "NaN", 4.0]), "missing or non-numeric value ('NaN') on data row 3"),
    # a stray field before the DAX: Python used to read 99 as that day's DAX, R to wrap the row
    # (a row with a field too few, and a file with no rows, are the unit tests' cases)
    "a row with a field too many": (
        "rnn_forecaster", with_lines([HEADER, *ROWS[:40], "41,1991.153846,99,1040,1,1,1", *ROWS[41:]]),
        "Data row 41 of {csv} has a different number of fields (7) than the header (6): fix that row"),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    data = {name: broken_data(root, name, breaking) for name, (_, breaking, _) in CASES.items()}
    return data, {name: (lesson, data[name], []) for name, (lesson, _, _) in CASES.items()}


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_series_gets_one_sentence_and_exit_2(language, case, refused):
    data, answers = refused
    done = answers[case, language]
    assert_refused(done, CASES[case][2].format(csv=data[case] / CSV), done.out)
    last = done.stderr.strip().splitlines()[-1]
    assert last.count(": ") <= 3 and last.endswith(".")        # one sentence
