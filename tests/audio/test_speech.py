"""Speech normalisation: the README's "Audio" table, tested row by row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from depesche.audio.speech import number_words, ordinal, speakable, spell

README = Path(__file__).resolve().parents[2] / "README.md"

# (written, spoken): the README's table under "## Audio" lists exactly these rows.
EXAMPLES = [
    ("06.01.2022", "sechsten Januar zweitausendzweiundzwanzig"),
    ("Am 6. Januar 2022 begann es.", "Am sechsten Januar zweitausendzweiundzwanzig begann es."),
    ("Der 3. Oktober ist ein Feiertag.", "Der dritte Oktober ist ein Feiertag."),
    ("seit dem 1.12.", "seit dem ersten Dezember"),
    ("in der Nacht zum 06.01.22", "in der Nacht zum sechsten Januar zweiundzwanzig"),
    ("Sitzung um 14:30 Uhr", "Sitzung um vierzehn Uhr dreißig"),
    ("ab 8 Uhr", "ab acht Uhr"),
    ("gegen 1 Uhr nachts", "gegen ein Uhr nachts"),
    ("von 9.15 Uhr an", "von neun Uhr fünfzehn an"),
    ("3,5 Mio. €", "drei Komma fünf Millionen Euro"),
    ("12 Euro", "zwölf Euro"),
    ("1.250,50 €", "eintausendzweihundertfünfzig Euro fünfzig"),
    ("1 Euro", "ein Euro"),
    ("0,50 €", "fünfzig Cent"),
    ("€ 12", "zwölf Euro"),
    ("1 Mrd. Euro", "eine Milliarde Euro"),
    ("78,4 Mrd. €", "achtundsiebzig Komma vier Milliarden Euro"),
    ("4,2 %", "vier Komma zwei Prozent"),
    ("1 %", "ein Prozent"),
    ("um 0,25 Prozentpunkte", "um null Komma zwei fünf Prozentpunkte"),
    ("10–15 Prozent", "zehn bis fünfzehn Prozent"),
    ("2,4 Mio. Medien", "zwei Komma vier Millionen Medien"),
    ("5 Tsd. Besucher", "fünftausend Besucher"),
    ("1.250.000 Menschen", "eine Million zweihundertfünfzigtausend Menschen"),
    ("1999 und 2025", "neunzehnhundertneunundneunzig und zweitausendfünfundzwanzig"),
    ("−3,5 Grad", "minus drei Komma fünf Grad"),
    ("120 km/h", "einhundertzwanzig Kilometer pro Stunde"),
    ("zum 3. Mal", "zum dritten Mal"),
    ("in der 2. Runde", "in der zweiten Runde"),
    ("Der 2. Platz ging an Köln.", "Der zweite Platz ging an Köln."),
    ("Er kam auf Platz 3. Danach ging es weiter.", "Er kam auf Platz drei. Danach ging es weiter."),
    ("z. B. heute", "zum Beispiel heute"),
    ("u. a. die Stadt", "unter anderem die Stadt"),
    ("Dr. Müller bzw. Prof. Schmidt", "Doktor Müller beziehungsweise Professor Schmidt"),
    ("ca. 250 Gäste", "circa zweihundertfünfzig Gäste"),
    ("Nr. 5", "Nummer fünf"),
    ("Bücher, Filme etc. Die Bibliothek", "Bücher, Filme et cetera. Die Bibliothek"),
    ("Bücher, Filme usw.", "Bücher, Filme und so weiter."),
    ("d. h. morgen", "das heißt morgen"),
    ("v. a. im Winter", "vor allem im Winter"),
    ("St. Pauli", "Sankt Pauli"),
    ("die EZB", "die E-Zett-Be"),
    ("Die SPD-Fraktion", "Die Es-Pe-De-Fraktion"),
    ("NATO, UNO und DAX", "Nato, Uno und Dax"),
    ("die GmbH", "die Ge-Emm-Be-Ha"),
    ("§ 5 Abs. 2", "Paragraf fünf Absatz zwei"),
    ("Forschung & Entwicklung", "Forschung und Entwicklung"),
    ("die O-V-K-S", "die O-V-K-S"),
    ("241.300 Menschen", "zweihunderteinundvierzigtausenddreihundert Menschen"),
    ("68.900 Stellen", "achtundsechzigtausendneunhundert Stellen"),
    ("rund 900 Mio. Euro", "rund neunhundert Millionen Euro"),
    ("am 19.12.2026", "am neunzehnten Dezember zweitausendsechsundzwanzig"),
]
# Where SVOX Pico (profile "pico") gets another form: the README's third column. Every other
# example is spoken alike.
PICO = {
    "1.250,50 €": "eintausend zweihundert fünfzig Euro fünfzig",
    "120 km/h": "einhundert zwanzig Kilometer pro Stunde",
    "ca. 250 Gäste": "circa zweihundert fünfzig Gäste",
    "die EZB": "die E Zett Be",
    "Die SPD-Fraktion": "Die Es Pe De-Fraktion",
    "die GmbH": "die Ge Emm Be Ha",
    "die O-V-K-S": "die O Fau Ka Es",
    "241.300 Menschen": "zweihunderteinundvierzigtausend dreihundert Menschen",
    "68.900 Stellen": "achtundsechzigtausend neun hundert Stellen",
    "rund 900 Mio. Euro": "rund neun hundert Millionen Euro",
}


@pytest.mark.parametrize(("written", "spoken"), EXAMPLES)
def test_speakable_writes_out_what_espeak_would_misread(written, spoken):
    assert speakable(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), EXAMPLES)
def test_pico_gets_its_own_form_only_where_the_table_says(written, spoken):
    assert speakable(written, profile="pico") == PICO.get(written, spoken)


def test_the_readme_table_lists_every_example():
    section = README.read_text().split("## Audio", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(.+?)` \| (.+?) \| (.+?) \|$", section, flags=re.M)
    assert rows == [(written, spoken, PICO.get(written, "–")) for written, spoken in EXAMPLES]


def test_pico_spells_acronyms_with_spaces_and_joined_letters_too():
    # "E-Zett-Be senkt" was heard as "erzett besenkt"; "E-Z-B" as "jetzt".
    assert speakable("Die EZB senkt", profile="pico") == "Die E Zett Be senkt"
    assert speakable("die ARDs", profile="pico") == "die A Er Des"
    assert speakable("Gipfel der C-S-T-O-Staaten", profile="pico") == (
        "Gipfel der Ze Es Te O-Staaten"
    )
    assert spell("ARD", separator=" ") == "A Er De"


def test_pico_leaves_words_that_only_look_like_letters_or_numbers():
    text = "Die E-Mail zur U-Bahn, Hundertschaft und Jahrhundert, NATO und DAX"
    assert speakable(text, profile="pico") == (
        "Die E-Mail zur U-Bahn, Hundertschaft und Jahrhundert, Nato und Dax"
    )


@pytest.mark.parametrize(
    ("written", "pico"),
    [
        ("4.100 Plätze", "viertausend einhundert Plätze"),
        ("21.480 Punkte", "einundzwanzigtausend vierhundert achtzig Punkte"),
        ("999 Mal", "neun hundert neunundneunzig Mal"),
        # Below the thousands only: "zweihundert fünfzigtausend" would be 200 and 50,000.
        ("250.000 Menschen", "zweihundertfünfzigtausend Menschen"),
        ("900.000 Menschen", "neun hunderttausend Menschen"),
        # Years stay whole: split, they were heard worse.
        ("im Jahr 1928", "im Jahr neunzehnhundertachtundzwanzig"),
        ("im Jahr 2030", "im Jahr zweitausenddreißig"),
        ("bis 2026", "bis zweitausendsechsundzwanzig"),
        ("21 Tage", "einundzwanzig Tage"),
    ],
)
def test_pico_reads_long_numbers_in_parts(written, pico):
    assert speakable(written, profile="pico") == pico


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown normalisation profile 'mbrola'"):
        speakable("Text", profile="mbrola")


def test_plain_text_passes_unchanged_apart_from_whitespace():
    assert speakable("Die Stadt  plant\u00a0neue Radwege.") == "Die Stadt plant neue Radwege."


def test_invalid_dates_are_not_read_as_dates():
    # 45.13. is no date; the numbers are still read.
    assert "Januar" not in speakable("Seite 45.13. folgt")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("21", "einundzwanzig"),
        ("1.000", "eintausend"),
        ("3,75", "drei Komma sieben fünf"),
        ("1492", "vierzehnhundertzweiundneunzig"),
        ("2.000.000", "zwei Millionen"),
    ],
)
def test_number_words_reads_german_number_formats(raw, expected):
    assert number_words(raw) == expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [("Der", "dritte"), ("am", "dritten"), ("in der", "dritten"), ("Liga,", "dritte")],
)
def test_ordinal_ending_follows_the_words_before(before, expected):
    assert ordinal(3, before=before) == expected


def test_spell_names_every_letter():
    assert spell("ARD") == "A-Er-De"
    assert spell("XY") == "Ix-Ypsilon"
