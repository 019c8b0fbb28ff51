from __future__ import annotations

import pytest

from depesche.audio.script import Segment, sentences, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erster Satz. Zweiter Satz!", ["Erster Satz.", "Zweiter Satz!"]),
        (
            "Am 6. Januar sagte Dr. Müller, z. B. in Berlin, etwas. Dann ging er.",
            ["Am 6. Januar sagte Dr. Müller, z. B. in Berlin, etwas.", "Dann ging er."],
        ),
        (
            "Er kam auf Platz 3. Danach ging es weiter.",
            ["Er kam auf Platz 3.", "Danach ging es weiter."],
        ),
        ("„Wir sind zufrieden.“ Das sagte sie.", ["„Wir sind zufrieden.“", "Das sagte sie."]),
        ("Zeile eins\nZeile zwei. Noch ein Satz.", ["Zeile eins", "Zeile zwei.", "Noch ein Satz."]),
        (
            "J. Schmidt kam um 14.30 Uhr. Der Rest folgt.",
            ["J. Schmidt kam um 14.30 Uhr.", "Der Rest folgt."],
        ),
    ],
)
def test_split_sentences_keeps_abbreviations_dates_and_quotes_together(text, expected):
    assert split_sentences(text) == expected


def test_sentences_are_numbered_by_segment_and_spoken_normalised():
    script = sentences(
        [Segment("Zinsen", "Die EZB senkt um 0,5 %. Gut so."), Segment("Wetter", "Es wird kalt.")]
    )
    assert [(s.segment, s.text) for s in script] == [
        (0, "Zinsen"),
        (0, "Die EZB senkt um 0,5 %."),
        (0, "Gut so."),
        (1, "Wetter"),
        (1, "Es wird kalt."),
    ]
    # Titles end with a period for falling intonation; numbers and acronyms are written out.
    assert script[0].spoken == "Zinsen."
    assert script[1].spoken == "Die E-Zett-Be senkt um null Komma fünf Prozent."


def test_sentences_skip_empty_text():
    script = sentences([Segment("", "  \n "), Segment("Titel", ""), Segment("", "...")])
    assert [(s.segment, s.text, s.spoken) for s in script] == [(1, "Titel", "Titel.")]
