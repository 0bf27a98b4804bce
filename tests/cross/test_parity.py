"""The parity claim: every lesson of the spec, run in Python and in R in separate processes on this
machine, writes the same results, every value of them, through the same compare as ./workshop compare.

Nothing here is compared against numbers frozen in the repo: CPU kernels differ between machines,
so the reference is always a second process run right now. The lessons come from the spec
(lessons_by_hand and lessons), so a lesson added to either list cannot escape the compare.
"""
import json
import subprocess

import numpy as np
import pytest

import compare
import report
from conftest import ROOT, read_results

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
LESSONS = [*SPEC["lessons_by_hand"], *SPEC["lessons"]]


def test_the_compare_knows_every_lesson_of_the_spec_in_the_course_order():
    taught = [lesson for deck in SPEC["course"]["decks"] for lesson in deck["lessons"]]
    assert sorted(taught) == sorted(LESSONS), "every lesson is taught in exactly one deck of the course"
    assert compare.known_lessons() == taught


@pytest.fixture(scope="module", params=LESSONS)
def both(request, quick_outputs):
    lesson = request.param
    outputs = quick_outputs(lesson)
    results = {language: read_results(outputs / language / lesson) for language in ("python", "r")}
    return lesson, outputs, results


def test_every_value_is_compared_both_ways_and_agrees(both):
    lesson, outputs, res = both
    details = {}
    rows = compare.compare_lesson(outputs, lesson, 0.0, details)
    assert not details["differences"], details["differences"][:10]
    assert all(row[4] in ("identical", "within tol", "-") for row in rows), [r for r in rows if r[4] == "DIFFERENT"]
    # Every value of both files is counted once, except the named left-outs, plus the plot files.
    flat = {language: compare.flatten(results) for language, results in res.items()}
    assert set(flat["python"]) == set(flat["r"])
    assert details["n_values"] == len(flat["python"]) + 1
    assert not any(path == left or path.startswith(left + "/") for path in flat["python"] for left in compare.NOT_COMPARED)


def test_only_the_named_values_may_differ_within_a_tolerance(both):
    """Training values are bit-identical; only the by-hand float64 values of TOLERANCES may differ."""
    lesson, outputs, res = both
    flat = {language: compare.flatten(results) for language, results in res.items()}
    for path, a in flat["python"].items():
        b = flat["r"][path]
        if compare.is_number(a) and compare.is_number(b) and a == b:
            continue   # 1849.0 and 1849 are one double: R writes a whole double without ".0"
        if a != b or type(a) is not type(b):
            assert compare.is_number(a) and compare.is_number(b), f"{path}: {a!r} vs {b!r}"
            assert compare.tolerance_for(lesson, path) is not None, f"{path} differs: {a!r} vs {b!r}"


def test_the_compare_command_agrees(both, capsys):
    lesson, outputs, _ = both
    assert compare.main([lesson, "--outputs", str(outputs)]) == 0
    table = capsys.readouterr().out
    assert "DIFFERENT" not in table and "values compared" in table


def test_both_languages_write_the_same_plot_files(both):
    lesson, outputs, _ = both
    plots = {language: compare.plot_files(outputs, language, lesson) for language in ("python", "r")}
    assert plots["python"] and plots["python"] == plots["r"]


def png_size(path):
    """Width and height in pixels, from the PNG's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_both_languages_draw_each_picture_at_the_same_size(both):
    """A deck shows R's picture beside Python's: the same pixels wide and high, so neither looks smaller."""
    lesson, outputs, _ = both
    sizes = {language: {name: png_size(outputs / language / lesson / name)
                        for name in compare.plot_files(outputs, language, lesson) if name.endswith(".png")}
             for language in ("python", "r")}
    differ = {name: (size, sizes["r"].get(name)) for name, size in sizes["python"].items() if sizes["r"].get(name) != size}
    assert not differ, f"{lesson}: Python's and R's pictures differ in size: {differ}"


# ---- the compare can fail: one changed value in any section is caught -------------------------
def changed(value, beyond_tolerance):
    """The smallest change of a value: one ulp of a number (or past its tolerance), one character."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * (1 + 1e-6) + 1e-6 if beyond_tolerance else float(np.nextafter(value, np.inf))
    if isinstance(value, str):
        return value + "x"
    return 0 if value is None else [0]


def set_path(tree, path, value):
    *head, last = path.split("/")
    for key in head:
        tree = tree[int(key)] if isinstance(tree, list) else tree[key]
    if isinstance(tree, list):
        tree[int(last)] = value
    else:
        tree[last] = value


def write_pair(root, lesson, py, r, outputs):
    for language, results in (("python", py), ("r", r)):
        folder = root / language / lesson
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "results.json").write_text(json.dumps(results))
        for png in (outputs / language / lesson).glob("*.png"):
            (folder / png.name).write_bytes(png.read_bytes())
    return root


def sections(results):
    return [key for key in results if key not in compare.NOT_COMPARED and key not in ("schema", "lesson")]


def test_a_change_in_any_section_is_caught(both, tmp_path):
    lesson, outputs, res = both
    flat = compare.flatten(res["r"])
    assert sections(res["r"]), "a results file with nothing to compare"
    for number, section in enumerate(sections(res["r"])):
        paths = [p for p in flat if (p == section or p.startswith(section + "/"))
                 and not isinstance(flat[p], (list, dict))]   # an empty list has no element to change
        if not paths:
            continue
        plain = [p for p in paths if compare.tolerance_for(lesson, p) is None]
        path = (plain or paths)[-1]
        broken = json.loads(json.dumps(res["r"]))
        set_path(broken, path, changed(flat[path], beyond_tolerance=not plain))
        root = write_pair(tmp_path / str(number), lesson, res["python"], broken, outputs)
        details = {}
        rows = compare.compare_lesson(root, lesson, 0.0, details)
        assert [p for p, _, _ in details["differences"]] == [path], (section, details["differences"])
        assert any(row[4] == "DIFFERENT" for row in rows), section


@pytest.mark.parametrize("side", ["python", "r"])
def test_a_key_that_only_one_language_writes_is_caught(both, tmp_path, side):
    lesson, outputs, res = both
    extra = json.loads(json.dumps(res[side]))
    extra["only_here"] = {"value": 1}
    pair = {**res, side: extra}
    root = write_pair(tmp_path, lesson, pair["python"], pair["r"], outputs)
    details = {}
    compare.compare_lesson(root, lesson, 0.0, details)
    assert details["differences"] == [("only_here/value", 1, "missing") if side == "python"
                                      else ("only_here/value", "missing", 1)]


def test_a_plot_that_one_language_forgets_is_caught(both, tmp_path):
    lesson, outputs, res = both
    root = write_pair(tmp_path, lesson, res["python"], res["r"], outputs)
    next((root / "r" / lesson).glob("*.png")).unlink()
    rows = compare.compare_lesson(root, lesson, 0.0)
    assert [row[4] for row in rows if row[0] == "plot files"] == ["DIFFERENT"]


# ---- the command: exit 1 with the report still written; --tolerance -------------------------
@pytest.fixture(scope="module")
def one_ulp_apart(quick_outputs, tmp_path_factory):
    """cnn_mnist's quick results, with R's last validation loss one ulp away and another weights hash."""
    lesson = "cnn_mnist"
    outputs = quick_outputs(lesson)
    py, r = (read_results(outputs / language / lesson) for language in ("python", "r"))
    r["history"]["val_loss"][-1] = float(np.nextafter(r["history"]["val_loss"][-1], np.inf))
    r["weights_sha256"] = "0" * 64
    return write_pair(tmp_path_factory.mktemp("one_ulp"), lesson, py, r, outputs)


def test_workshop_compare_exits_1_and_still_writes_the_report_that_shows_it(one_ulp_apart):
    done = subprocess.run([str(ROOT / "workshop"), "compare", "cnn_mnist", "--outputs", str(one_ulp_apart)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "history val_loss" in done.stdout and "DIFFERENT" in done.stdout
    assert "differs: history/val_loss/1" in done.stdout and "differs: weights_sha256" in done.stdout
    page = (one_ulp_apart / "report.html").read_text()
    assert 'class="bad">DIFFERENT' in page and "history/val_loss/1" in page


def test_a_tolerance_allows_a_small_difference_and_does_not_judge_a_checksum(one_ulp_apart, capsys):
    assert report.main(["cnn_mnist", "--outputs", str(one_ulp_apart), "--tolerance", "1e-9"]) == 0
    out = capsys.readouterr().out
    assert "DIFFERENT" not in out and "within tol" in out
    assert compare.main(["cnn_mnist", "--outputs", str(one_ulp_apart), "--tolerance", "0"]) == 1


def test_a_negative_tolerance_or_an_unknown_lesson_is_refused(one_ulp_apart, capsys):
    with pytest.raises(SystemExit) as stop:
        compare.main(["--outputs", str(one_ulp_apart), "--tolerance", "-1"])
    assert stop.value.code == 2
    assert compare.main(["no_such_lesson", "--outputs", str(one_ulp_apart)]) == 2
    assert "Unknown lesson 'no_such_lesson'" in capsys.readouterr().err
