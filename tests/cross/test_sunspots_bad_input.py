"""Bad sunspot data at the command line, in both languages: one plain sentence, exit code 2,
and an earlier results.json left as it was. The lesson's first step, workshop.sunspots(settings)
(R: workshop_sunspots(settings)), refuses them before any model is built. The cases share one
process per language (conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals)."""
import pytest

from conftest import assert_refused, broken_data, reseal

CSV = "series/sunspots.csv"
HEADER = '"year","month","value"'


def months(n, value=lambda i: "50"):
    return [f"{1749 + i // 12},{i % 12 + 1},{value(i)}" for i in range(n)]


def with_lines(lines, seal=True):
    def breaking(data_dir):
        (data_dir / CSV).write_text("\n".join([HEADER, *lines]) + "\n")
        if seal:
            reseal(data_dir, CSV)
    return breaking


def without_the_file(data_dir):
    (data_dir / CSV).unlink()


# name: (how the copy of shared_data is broken, the words of the sentence; {csv} is the file)
CASES = {
    "a missing month": (with_lines(months(400)[:40] + months(400)[41:]),
                        "Data row 41 of {csv} is 1752-06, not the month after the row before it, so a month is missing"),
    "a NaN month": (with_lines(months(400, lambda i: "NaN" if i == 99 else "50")),
                    "The sunspot series in {csv} has a missing, negative or non-numeric value ('NaN') on data row 100"),
    "a non-numeric month": (with_lines(months(400, lambda i: "lots" if i == 9 else "50")),
                            "non-numeric value ('lots') on data row 10: fix that row"),
    "shorter than a window plus the horizon": (
        with_lines(months(30)), "The sunspot series has 30 months, too few for a window of 24 months plus the 12 to predict"),
    "too short for the spec's slices": (
        with_lines(months(1000)), "The sunspot series has 1000 months, but 2 slices of 800 + 400 + 600 months, "
                                  "264 apart from month 0, need 2064: use fewer slices in the spec or the whole series."),
    "a checksum mismatch": (with_lines(months(3177), seal=False), "does not match its checksum in the manifest"),
    "a missing file": (without_the_file, "The data file {csv} is missing: run ./workshop setup"),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    data = {name: broken_data(root, name, breaking) for name, (breaking, _) in CASES.items()}
    return data, {name: ("sunspots", data[name], []) for name in CASES}


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_months_get_one_sentence_and_exit_2(language, case, refused):
    data, answers = refused
    done = answers[case, language]
    assert_refused(done, CASES[case][1].format(csv=data[case] / CSV), done.out)
