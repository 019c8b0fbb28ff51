import unicodedata

import pytest

from depesche.core.text import (
    ELLIPSIS,
    count_words,
    credit_line,
    html_to_text,
    mask_addresses,
    one_line,
    reading_minutes,
    truncate_at_word,
)

SENTENCE = "Die Größenordnung des Fußgängerüberwegs ist für die Stadtverwaltung völlig neu"


def test_truncate_leaves_short_text_unchanged():
    assert truncate_at_word("Kurzer Text.", 160) == "Kurzer Text."
    assert truncate_at_word("Genau zehn", 10) == "Genau zehn"


def test_truncate_normalises_whitespace():
    assert truncate_at_word("  Zwei\n\tWörter  ", 50) == "Zwei Wörter"
    assert truncate_at_word("Eins   zwei\n drei vier", 12) == "Eins zwei…"


@pytest.mark.parametrize("limit", range(2, len(SENTENCE) + 1))
def test_truncate_never_exceeds_limit(limit):
    result = truncate_at_word(SENTENCE, limit)
    assert len(result) <= limit
    if limit < len(SENTENCE):
        assert result.endswith(ELLIPSIS)
        assert result.count(ELLIPSIS) == 1
    else:
        assert result == SENTENCE


@pytest.mark.parametrize("limit", range(4, len(SENTENCE)))
def test_truncate_cuts_at_word_boundary(limit):
    words = SENTENCE.split()
    kept = truncate_at_word(SENTENCE, limit).removesuffix(ELLIPSIS).split()
    # Only whole words of the original, in order, from the start.
    assert kept == words[: len(kept)]
    assert kept, "the first word fits from limit 4 on, so something is kept"


def test_truncate_keeps_umlauts_and_eszett_as_single_characters():
    # "Die Größenordnung" is 17 characters: ö and ß count once each.
    assert truncate_at_word(SENTENCE, 18) == "Die Größenordnung…"
    assert truncate_at_word(SENTENCE, 17) == "Die…"
    text = "Fußgängerüberweg gesperrt"
    assert truncate_at_word(text, 17) == "Fußgängerüberweg…"
    # The first word alone no longer fits: it is cut hard rather than leaving nothing.
    assert truncate_at_word(text, 16) == "Fußgängerüberwe…"


def test_truncate_treats_decomposed_umlauts_like_composed_ones():
    # Text pasted from some systems arrives in NFD ("o" + combining diaeresis).
    decomposed = unicodedata.normalize("NFD", "Größenordnung Fußgängerüberweg")
    assert truncate_at_word(decomposed, 14) == "Größenordnung…"
    cut = truncate_at_word(unicodedata.normalize("NFD", "Fußgängerüberweg"), 6)
    assert cut == "Fußgä…"
    assert not unicodedata.combining(cut[-2])


def test_truncate_drops_long_compound_crossing_the_cut():
    text = "Der neue Donaudampfschifffahrtsgesellschaftskapitänsmütze-Entwurf ist fertig"
    result = truncate_at_word(text, 40)
    assert result == "Der neue…"
    assert "Donau" not in result


def test_truncate_hard_cuts_a_single_over_long_word():
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    assert truncate_at_word(word, 20) == word[:19] + ELLIPSIS
    assert len(truncate_at_word(word, 20)) == 20
    assert truncate_at_word(word, 2) == "D…"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Eins, zwei, drei und vier", 12, "Eins, zwei…"),
        ("Eins – zwei drei vier", 10, "Eins…"),
        ("Eins - zwei drei vier", 10, "Eins…"),
        ("Erstens: alles gut", 12, "Erstens…"),
        ("Sie sagte „Ja“ und ging", 12, "Sie sagte…"),
    ],
)
def test_truncate_strips_punctuation_before_ellipsis(text, limit, expected):
    assert truncate_at_word(text, limit) == expected


@pytest.mark.parametrize("limit", [1, 0, -5])
def test_truncate_rejects_limit_below_two(limit):
    with pytest.raises(ValueError):
        truncate_at_word("Text", limit)


def test_count_words_counts_plain_text_and_compounds_once():
    assert count_words("") == 0
    assert count_words("Der Online-Handel wächst, sagt Müller.") == 5
    assert count_words("Größenordnung Fußgängerüberweg") == 2


def test_count_words_ignores_markup_and_entities():
    assert count_words("<p>Tom &amp; Jerry</p>") == 2
    assert count_words("<p>a</p><p>b</p>") == 2
    assert count_words("<p>eins<br>zwei</p><ul><li>drei</li><li>vier</li></ul>") == 4


def test_count_words_handles_decomposed_umlauts():
    assert count_words(unicodedata.normalize("NFD", "Größenordnung Fußgängerüberweg")) == 2


def test_html_to_text_strips_tags_and_unescapes_entities():
    assert html_to_text("<p>Tom &amp; <b>Jerry</b> &quot;live&quot;</p>") == 'Tom & Jerry "live"'
    assert html_to_text("<p>Preis:&nbsp;5&nbsp;€</p>") == "Preis: 5 €"


def test_html_to_text_separates_blocks():
    text = html_to_text("<p>a</p><p>b</p>")
    assert text == "a b"
    assert count_words(text) == 2
    assert html_to_text("<h3>Titel</h3><ul><li>eins</li><li>zwei</li></ul>") == "Titel eins zwei"
    assert html_to_text("Zeile<br/>Zeile") == "Zeile Zeile"


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (179, 1), (180, 1), (181, 2), (360, 2), (361, 3), (900, 5)],
)
def test_reading_minutes_rounds_up_and_never_below_one(words, minutes):
    assert reading_minutes(words, 180) == minutes


def test_a_full_stop_at_the_cut_is_not_doubled_by_the_ellipsis():
    text = "Das Werk in Homburg soll schließen. Danach folgt ein weiterer Satz."
    assert truncate_at_word(text, 40) == "Das Werk in Homburg soll schließen…"


@pytest.mark.parametrize(
    "char", ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029", "\x1c", "\x00", "\t"]
)
def test_one_line_turns_every_line_break_into_a_space(char):
    assert one_line(f" Strompreise{char}sinken{char}{char} ") == "Strompreise sinken"


def test_one_line_keeps_protected_spaces_and_text():
    assert (
        one_line("Inflation bei 5\xa0% – „überraschend“") == "Inflation bei 5\xa0% – „überraschend“"
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "550 5.1.1 <anna@example.org>: Recipient address rejected",
            "550 5.1.1 <a***@example.org>: Recipient address rejected",
        ),
        (
            "{'anna.berg+news@mail.example.de': (550, b'user unknown')}",
            "{'a***@mail.example.de': (550, b'user unknown')}",
        ),
        (
            "an jürgen@bücher.example und bea@example.org",
            "an j***@bücher.example und b***@example.org",
        ),
        ("smtp://user:geheim@mail.example.org:587", "smtp://user:g***@mail.example.org:587"),
        ("451 4.3.0 try again later", "451 4.3.0 try again later"),
    ],
)
def test_mask_addresses_keeps_only_first_character_and_domain(text, masked):
    assert mask_addresses(text) == masked


def test_the_log_formatter_masks_addresses_in_tracebacks_too():
    import logging

    from depesche.core.logs import AddressMaskingFormatter

    try:
        raise ValueError("{'anna@example.org': (550, b'rejected')}")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "depesche.audience",
            logging.ERROR,
            __file__,
            1,
            "mail to %s failed",
            ("bea@example.org",),
            sys.exc_info(),
        )
    line = AddressMaskingFormatter("%(message)s").format(record)
    assert "mail to b***@example.org failed" in line
    assert "a***@example.org" in line
    assert "anna@" not in line and "bea@" not in line
    # The settings' console handler uses it.
    formatters = [
        type(handler.formatter).__name__
        for handler in logging.getLogger().handlers
        if handler.formatter
    ]
    assert "AddressMaskingFormatter" in formatters


@pytest.mark.parametrize(
    ("credit", "label", "shown"),
    [
        ("dpa", "Foto", "Foto: dpa"),
        ("  dpa / AP ", "Foto", "Foto: dpa / AP"),
        ("Foto: dpa", "Foto", "Foto: dpa"),
        ("Fotos: dpa/AP", "Foto", "Fotos: dpa/AP"),
        ("foto: dpa", "Foto", "foto: dpa"),
        ("dpa", "Quelle", "Quelle: dpa"),
        ("Quelle: dpa", "Quelle", "Quelle: dpa"),
        ("", "Foto", ""),
        # The English page labels "Photo"; an agency's German label is not doubled.
        ("Foto: dpa", "Photo", "Foto: dpa"),
        ("Photo: AP", "Foto", "Photo: AP"),
        ("dpa", "Photo", "Photo: dpa"),
        ("Fotografin Anna", "Foto", "Foto: Fotografin Anna"),  # a name, not a label
    ],
)
def test_credit_line_labels_a_credit_once(credit, label, shown):
    assert credit_line(credit, label) == shown
