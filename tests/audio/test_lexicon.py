"""The pronunciation dictionary applied to a text: options, order, and the spoken script."""

from __future__ import annotations

import pytest

from depesche.audio.lexicon import Entry, Lexicon
from depesche.audio.script import Segment, sentences


def test_an_entry_changes_the_spoken_script_not_the_transcript():
    script = [Segment(title="", text="Präsident Tokajew reist nach Moskau.")]
    lexicon = Lexicon([Entry("Tokajew", "Tokajeff")])
    for profile in ("espeak", "pico"):
        [sentence] = sentences(script, profile=profile, lexicon=lexicon)
        assert "Tokajeff" in sentence.spoken and "Tokajew" not in sentence.spoken
        assert sentence.text == "Präsident Tokajew reist nach Moskau."
    [plain] = sentences(script, profile="espeak")
    assert "Tokajew" in plain.spoken


def test_case_sensitive_entries_match_only_their_spelling():
    sensitive = Lexicon([Entry("Tass", "Taß")])
    assert sensitive.apply("Die Agentur Tass meldet") == "Die Agentur Taß meldet"
    assert sensitive.apply("eine TASS-Meldung") == "eine TASS-Meldung"
    insensitive = Lexicon([Entry("Tass", "Taß", case_sensitive=False)])
    assert insensitive.apply("eine TASS-Meldung, eine tass-Meldung") == (
        "eine Taß-Meldung, eine Taß-Meldung"
    )


def test_whole_word_entries_leave_longer_words_alone():
    whole = Lexicon([Entry("OVKS", "O-V-K-S")])
    assert whole.apply("Die OVKS und der OVKS-Gipfel") == "Die O-V-K-S und der O-V-K-S-Gipfel"
    assert whole.apply("OVKSler und ÜOVKS") == "OVKSler und ÜOVKS"
    inside = Lexicon([Entry("OVKS", "O-V-K-S", whole_word=False)])
    assert inside.apply("OVKSler") == "O-V-K-Sler"


def test_the_longest_entry_wins_and_spoken_forms_are_not_replaced_again():
    lexicon = Lexicon(
        [
            Entry("CSTO", "C-S-T-O"),
            Entry("CSTO-Gipfel", "Gipfeltreffen der C-S-T-O"),
            Entry("Gipfeltreffen", "NICHT ERSETZEN"),
        ]
    )
    text = "Vor dem CSTO-Gipfel sprach die CSTO."
    assert lexicon.apply(text) == "Vor dem Gipfeltreffen der C-S-T-O sprach die C-S-T-O."
    assert [e.written for e in lexicon.matching(text)] == ["CSTO-Gipfel", "CSTO"]


@pytest.mark.parametrize("text", ["Kein Treffer hier.", ""])
def test_a_text_without_entries_has_no_key(text):
    lexicon = Lexicon([Entry("Tokajew", "Tokajeff")])
    assert lexicon.key(text) == ""
    assert lexicon.apply(text) == text


def test_the_key_changes_with_the_entries_that_apply():
    text = "Tokajew und die OVKS."
    one = Lexicon([Entry("Tokajew", "Tokajeff")]).key(text)
    other = Lexicon([Entry("Tokajew", "Tokajev")]).key(text)
    more = Lexicon([Entry("Tokajew", "Tokajeff"), Entry("Moskau", "Moskau")]).key(text)
    assert one and other and one != other
    assert more == one  # an entry the text does not contain changes nothing
