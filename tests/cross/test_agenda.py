"""The day plan (docs/agenda.md) agrees with the decks, the exercises and the running order.

Each format of the agenda is a table of blocks: talk, hands-on or break. A talk block names a deck
and a range of its slides (0 is the title page); its minutes must be the sum of those slides' own
speaker-note minutes ("N min." opens every note). A hands-on block names one "Your turn" slide and
its exercises; its minutes must be the exercises' minutes in exercises/exercises.json, which is
also the time box printed on that slide. The two-day format covers every slide and every exercise
once, in the spec's running order; the one-day format is about six hours of teaching and says
what it leaves out. Nothing here renders a deck: the slides are read from their R Markdown.
"""
import json
import re

import pytest

from conftest import ROOT

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
COURSE = [entry["deck"] for entry in SPEC["course"]["decks"]]
# The decks written so far, in the running order (tests/cross/test_slides.py fails while one is missing).
DECK_FILES = {f"{number:02d}_{deck}": ROOT / "slides" / f"{number:02d}_{deck}.Rmd" for number, deck in enumerate(COURSE)
              if (ROOT / "slides" / f"{number:02d}_{deck}.Rmd").exists()}
AGENDA = ROOT / "docs" / "agenda.md"
REGISTRY = ROOT / "exercises" / "exercises.json"
TITLE_PAGE_MINUTES = 2   # slides/render.R gives the title page (the deck's timetable) 2 minutes
FORMATS = {"one day": (330, 390), "two days": (None, None)}


def deck_slides(path):
    """[(title, minutes, exercise ids or None)] for slide 0 (the title page) and every `## ` slide."""
    slides = [("title page", TITLE_PAGE_MINUTES, None)]
    fenced = False
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            if fenced and current is not None:
                continue
        if fenced:
            turn = re.match(r'\s*your_turn\(c\((.*)\)\)', line)
            if turn and current is not None:
                current["exercises"] = re.findall(r'"([^"]+)"', turn.group(1))
            continue
        if line.startswith("## "):
            current = {"title": line[3:].strip(), "minutes": None, "exercises": None, "in_notes": False}
            slides.append(current)
        elif current is not None and line.strip() == "::: notes":
            current["in_notes"] = True
        elif current is not None and current["in_notes"] and current["minutes"] is None and line.strip():
            found = re.match(r"(\d+(?:\.\d+)?) min\b", line.strip())
            current["minutes"] = float(found.group(1)) if found else None
            current["in_notes"] = False
    return [slides[0]] + [(s["title"], s["minutes"], s["exercises"]) for s in slides[1:]]


def registry():
    """The registered exercises of the decks written so far."""
    decks = [re.sub(r"^\d\d_", "", name) for name in DECK_FILES]
    return {e["id"]: e for e in json.loads(REGISTRY.read_text())["exercises"] if e["deck"] in decks}


def agenda_formats():
    """{format name: [block dicts]} from the agenda's tables, one table under each `## ` heading."""
    text = AGENDA.read_text(encoding="utf-8")
    formats = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.splitlines()[0].strip().lower()
        key = next((f for f in FORMATS if name.startswith(f)), None)
        if key is None:
            continue
        rows = [line for line in section.splitlines() if line.startswith("|")]
        header = [cell.strip() for cell in rows[0].strip("|").split("|")]
        blocks = []
        for row in rows[2:]:
            cells = [cell.strip() for cell in row.strip("|").split("|")]
            blocks.append(dict(zip(header, cells)))
        formats[key] = {"blocks": blocks, "text": section}
    return formats


def parse_slides(cell):
    found = re.fullmatch(r"(\d+)(?:-(\d+))?", cell)
    assert found, f"slides must read N or N-M, not {cell!r}"
    first, last = int(found.group(1)), int(found.group(2) or found.group(1))
    assert first <= last, cell
    return list(range(first, last + 1))


def deck_of(cell):
    found = re.fullmatch(r"`(\d\d_\w+)`", cell)
    assert found and found.group(1) in DECK_FILES, f"{cell!r} is not a deck of course.decks (`NN_name`)"
    return found.group(1)


def ids_of(cell):
    return re.findall(r"`([a-z0-9_]+)`", cell)


@pytest.fixture(scope="module")
def formats():
    assert AGENDA.exists(), "docs/agenda.md is missing"
    found = agenda_formats()
    assert set(found) == set(FORMATS), f"the agenda needs a one-day and a two-day format, found {list(found)}"
    return found


def test_every_deck_has_objectives_a_recap_and_references():
    for name, path in DECK_FILES.items():
        titles = [title for title, _, _ in deck_slides(path)]
        assert titles[1] == "What you will learn", f"{name} must open with its learning objectives"
        assert "Recap, and the exercises" in titles, f"{name} needs a recap with its exercises"
        recap = titles.index("Recap, and the exercises")
        assert titles[recap + 1] == "References", f"{name}: the references follow the recap"
        # ... and, last, a part marked "(optional)" in every title (deck 01's More hardware)
        after = titles[recap + 2:]
        optional = next((i for i, t in enumerate(after) if "(optional)" in t), len(after))
        assert all(t.startswith("Your turn") for t in after[:optional]), \
            f"{name}: after the references, only the exercises that follow the recap"
        assert all("(optional)" in t for t in after[optional:]), f"{name}: an optional part marks every slide (optional)"


def test_every_slide_note_gives_its_minutes():
    for name, path in DECK_FILES.items():
        for number, (title, minutes, _) in enumerate(deck_slides(path)):
            assert minutes is not None, f"{name}, slide {number} ({title}): its note must open with 'N min.'"


def test_your_turn_slides_name_registered_exercises_of_their_deck():
    exercises = registry()
    shown = []
    for name, path in DECK_FILES.items():
        deck = re.sub(r"^\d\d_", "", name)
        for title, _, ids in deck_slides(path):
            if title.startswith("Your turn"):
                assert ids, f"{name}: '{title}' calls your_turn() with no exercise"
                for exercise_id in ids:
                    assert exercise_id in exercises, f"{name}: {exercise_id} is not in exercises/exercises.json"
                    assert exercises[exercise_id]["deck"] == deck, f"{exercise_id} belongs to {exercises[exercise_id]['deck']}, not {deck}"
                shown += ids
            else:
                assert ids is None, f"{name}: '{title}' calls your_turn() but is not a 'Your turn' slide"
    assert sorted(shown) == sorted(exercises), (
        f"every exercise needs one 'Your turn' slide: missing {sorted(set(exercises) - set(shown))}, "
        f"twice {sorted({i for i in shown if shown.count(i) > 1})}")


@pytest.mark.parametrize("name", list(FORMATS))
def test_blocks_agree_with_the_decks_and_the_registry(formats, name):
    exercises = registry()
    slides = {deck: deck_slides(path) for deck, path in DECK_FILES.items()}
    for block in formats[name]["blocks"]:
        kind, minutes = block["kind"], float(block["minutes"])
        assert kind in ("talk", "hands-on", "break"), f"{name}: unknown kind {kind!r}"
        if kind == "break":
            assert not block["deck"] and not block["exercises"], block
            continue
        deck = deck_of(block["deck"])
        numbers = parse_slides(block["slides"])
        assert numbers[-1] < len(slides[deck]), f"{name}: {deck} has no slide {numbers[-1]}"
        chosen = [slides[deck][n] for n in numbers]
        if kind == "talk":
            assert not any(title.startswith("Your turn") for title, _, _ in chosen), \
                f"{name}: talk block {block['block']!r} includes a 'Your turn' slide"
            assert not block["exercises"], block
            total = sum(m for _, m, _ in chosen)
            assert minutes == total, f"{name}: {block['block']!r} says {minutes:g} min; its slides' notes add up to {total:g}"
        else:
            assert len(chosen) == 1 and chosen[0][0].startswith("Your turn"), \
                f"{name}: hands-on block {block['block']!r} must name one 'Your turn' slide"
            ids = ids_of(block["exercises"])
            assert ids == chosen[0][2], f"{name}: {block['block']!r} lists {ids}, the slide {chosen[0][2]}"
            total = sum(exercises[i]["minutes"] for i in ids)
            assert minutes == total, f"{name}: {block['block']!r} says {minutes:g} min; its exercises take {total}"


@pytest.mark.parametrize("name", list(FORMATS))
def test_blocks_follow_the_running_order(formats, name):
    seen = []
    for block in formats[name]["blocks"]:
        if block["kind"] == "break":
            continue
        deck = deck_of(block["deck"])
        position = (list(DECK_FILES).index(deck), parse_slides(block["slides"])[0])
        assert not seen or position > seen[-1], f"{name}: {block['block']!r} comes out of the running order"
        seen.append(position)


def teaching_minutes(blocks):
    return sum(float(b["minutes"]) for b in blocks if b["kind"] != "break")


def test_the_two_day_format_covers_every_slide_and_exercise_once(formats):
    blocks = formats["two days"]["blocks"]
    covered = {deck: [] for deck in DECK_FILES}
    for block in blocks:
        if block["kind"] != "break":
            covered[deck_of(block["deck"])] += parse_slides(block["slides"])
    for deck, path in DECK_FILES.items():
        assert sorted(covered[deck]) == list(range(len(deck_slides(path)))), f"two days: {deck}'s slides not each once"
    listed = [i for b in blocks if b["kind"] == "hands-on" for i in ids_of(b["exercises"])]
    assert sorted(listed) == sorted(registry())
    days = [block["day"] for block in blocks]
    assert days == sorted(days) and set(days) == {"Day 1", "Day 2"}, "two days: every block names its day, in order"
    for day in ("Day 1", "Day 2"):
        teaching = teaching_minutes([block for block in blocks if block["day"] == day])
        assert 240 <= teaching <= 405, f"{day} teaches {teaching:g} minutes"   # 405: own_model (issue 25) made Day 1 402


def test_the_one_day_format_is_about_six_hours_and_says_what_it_leaves_out(formats):
    low, high = FORMATS["one day"]
    blocks = formats["one day"]["blocks"]
    assert low <= teaching_minutes(blocks) <= high, f"one day teaches {teaching_minutes(blocks):g} minutes"
    assert any(b["kind"] == "hands-on" for b in blocks) and any(b["kind"] == "break" for b in blocks)
    text = formats["one day"]["text"]
    assert re.search(r"^### What the one-day format leaves out", text, re.M), "say what the one day leaves out"
    left_out = text.split("### What the one-day format leaves out", 1)[1]
    covered = {}
    for block in blocks:
        if block["kind"] != "break":
            covered.setdefault(deck_of(block["deck"]), set()).update(parse_slides(block["slides"]))
    for deck, path in DECK_FILES.items():
        if covered.get(deck, set()) != set(range(len(deck_slides(path)))):
            assert f"`{deck}`" in left_out, f"the one day skips part of {deck}: say so under 'leaves out'"


def test_the_stated_totals_are_the_blocks_sums(formats):
    for name, found in formats.items():
        stated = re.search(r"Teaching: (\d+) minutes", found["text"])
        assert stated, f"{name}: state the teaching total as 'Teaching: N minutes'"
        assert float(stated.group(1)) == teaching_minutes(found["blocks"]), name
