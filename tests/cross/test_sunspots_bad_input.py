"""Bad sunspot data at the command line, in both languages, each in its own process: one plain
sentence, exit code 2, and an earlier results.json left as it was.

The two languages of a case run side by side (the machine has two cores), so the twelve
processes cost the time of six.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import run_lesson
from test_bad_input import assert_refused, reseal

CSV = "series/sunspots.csv"
HEADER = '"year","month","value"'


def months(n, value=lambda i: "50"):
    return [f"{1749 + i // 12},{i % 12 + 1},{value(i)}" for i in range(n)]


# (lines of the file, whether its checksum is resealed, the words of the sentence)
CASES = {
    "a missing month": (months(400)[:40] + months(400)[41:], True,
                        "Data row 41 of {csv} is 1752-06, not the month after the row before it, so a month is missing"),
    "a NaN month": (months(400, lambda i: "NaN" if i == 99 else "50"), True,
                    "The sunspot series in {csv} has a missing, negative or non-numeric value ('NaN') on data row 100"),
    "a non-numeric month": (months(400, lambda i: "lots" if i == 9 else "50"), True,
                            "non-numeric value ('lots') on data row 10: fix that row"),
    "shorter than a window plus the horizon": (
        months(30), True, "The sunspot series has 30 months, too few for a window of 24 months plus the 12 to predict"),
    "a checksum mismatch": (months(3177), False, "does not match its checksum in the manifest"),
}


def refused_in_both(data_dir, tmp_path, message):
    """Run the lesson on data_dir in Python and in R at once; both must refuse with the sentence."""
    outs = {}
    for language in ("python", "r"):
        outs[language] = tmp_path / language
        outs[language].mkdir()
        (outs[language] / "results.json").write_text('{"earlier": true}\n')
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {language: pool.submit(run_lesson, language, "sunspots", "--data-dir", str(data_dir), "--out", str(out))
                for language, out in outs.items()}
    for language, run in runs.items():
        done = run.result()
        assert_refused(done, message, outs[language])
        assert "Traceback" not in done.stderr and "Epoch" not in done.stdout, language


@pytest.mark.parametrize("case", list(CASES))
def test_bad_months_get_one_sentence_and_exit_2(case, data_copy, tmp_path):
    lines, seal, message = CASES[case]
    (data_copy / CSV).write_text("\n".join([HEADER, *lines]) + "\n")
    if seal:
        reseal(data_copy, CSV)
    refused_in_both(data_copy, tmp_path, message.format(csv=data_copy / CSV))


def test_a_missing_file(data_copy, tmp_path):
    (data_copy / CSV).unlink()
    refused_in_both(data_copy, tmp_path, f"The data file {data_copy / CSV} is missing: run ./workshop setup")
