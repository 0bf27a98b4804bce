"""Bad text and bad spec values for the Austen lesson, in both languages: one plain sentence, exit
code 2, and an earlier results.json left as it was. The cases share one process per language
(conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals)."""
import pytest

from conftest import BOOK, NOVEL_CASES, assert_refused, broken_data, workshop_copy


def set_test_novel(spec):
    spec["lessons"]["austen"]["split"]["test"] = "lady_susan"


def set_long_window(spec):
    spec["lessons"]["austen"]["profiles"]["quick"]["window"] = 30000


# name: (how the copy of shared_data is broken, or how a workshop copy's spec is changed; the sentence's words)
DATA_CASES = NOVEL_CASES   # shared_data broken as for every reader of the novels (conftest)
SPEC_CASES = {
    "a test novel that is not in the data": (
        set_test_novel, "The test novel 'lady_susan' named in shared_data/spec.json is not one of the novels in shared_data/text/"),
    "a window longer than the validation text": (
        set_long_window, "The window of 30000 characters is longer than the validation text (20000 characters of northanger_abbey)"),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    data = {name: broken_data(root, name, breaking) for name, (breaking, _) in DATA_CASES.items()}
    cases = {name: ("austen", data[name], []) for name in DATA_CASES}
    for name, (edit, _) in SPEC_CASES.items():
        cases[name] = ("austen", None, [], workshop_copy(root, name, edit_spec=edit))
    return data, cases


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", [*DATA_CASES, *SPEC_CASES])
def test_bad_text_gets_one_sentence_and_exit_2(language, case, refused):
    data, answers = refused
    done = answers[case, language]
    message = (DATA_CASES.get(case) or SPEC_CASES[case])[1]
    assert_refused(done, message.format(book=data[case] / BOOK if case in data else ""), done.out)
