"""A hand-built week of news (2026-W47: Saturday 14 to Saturday 21 November, 07:00 Berlin)."""

from __future__ import annotations

from datetime import datetime

from depesche.core.timefmt import BERLIN

WEEK = "2026-W47"
START = datetime(2026, 11, 14, 7, 0, tzinfo=BERLIN)
END = datetime(2026, 11, 21, 7, 0, tzinfo=BERLIN)


# An hour after the week ended: when the digest is built in the tests.
AFTER = datetime(2026, 11, 21, 8, 0, tzinfo=BERLIN)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=BERLIN)


# (key, headline, teaser, body paragraphs, tags, published, top_topic)
ARTICLES = [
    (
        "streik1",
        "Lokführer legen den Bahnverkehr lahm",
        "Die Gewerkschaft der Lokführer hat bundesweit zum Streik bei der Bahn aufgerufen.",
        [
            "Seit Montagmorgen stehen im Fern- und Regionalverkehr die meisten Züge still. "
            "Die Gewerkschaft fordert mehr Lohn und eine kürzere Arbeitszeit für Lokführer.",
            "Die Bahn nennt den Streik unverhältnismäßig und verweist z. B. auf ihr Angebot "
            "vom 3. Oktober. Ein Ersatzfahrplan soll wenigstens einige Verbindungen sichern.",
        ],
        ["Streik", "Bahn"],
        at(16, 6),
        False,
    ),
    (
        "streik2",
        "Pendler suchen Wege um den Streik herum",
        "Volle Autobahnen und Fernbusse: Der Streik bei der Bahn trifft vor allem Pendler.",
        [
            "Wer auf die Bahn angewiesen ist, weicht auf Auto, Fahrrad und Fernbus aus. "
            "Auf den Autobahnen rund um die großen Städte staute sich der Verkehr am Morgen.",
            "Viele Arbeitgeber erlauben während des Streiks das Arbeiten von zu Hause.",
        ],
        ["Bahn", "Streik", "Pendler"],
        at(16, 12),
        False,
    ),
    (
        "streik3",
        "Bahn und Gewerkschaft verhandeln wieder",
        "Nach drei Tagen Streik sitzen Bahn und Lokführer wieder am Verhandlungstisch.",
        [
            "Die Gewerkschaft hat den Streik am Donnerstag unterbrochen. Beide Seiten wollen "
            "bis zum Wochenende über Lohn und Arbeitszeit der Lokführer verhandeln.",
        ],
        ["Streik", "Bahn"],
        at(19, 15),
        False,
    ),
    (
        "zins1",
        "EZB senkt den Leitzins",
        "Die Europäische Zentralbank senkt den Leitzins wegen der sinkenden Inflation.",
        [
            "Die Notenbank senkt den Leitzins im Euroraum um 0,25 Prozentpunkte. Die Inflation "
            "sei deutlich gesunken, die Konjunktur schwach, begründete die Zentralbank die "
            "Zinssenkung.",
            "Ökonomen hatten die Zinssenkung der Notenbank erwartet.",
        ],
        ["EZB"],
        at(17, 14),
        False,
    ),
    (
        "zins2",
        "Was die Zinssenkung für Sparer bedeutet",
        "Nach der Zinssenkung der Zentralbank sinken die Zinsen für Tagesgeld und Festgeld.",
        [
            "Die Europäische Zentralbank hat den Leitzins gesenkt, weil die Inflation gesunken "
            "ist. Banken geben die Zinssenkung der Notenbank an Sparer rasch weiter.",
            "Für Kreditnehmer kann die Zinssenkung dagegen günstigere Kredite bedeuten.",
        ],
        ["Geldanlage", "Sparen"],
        at(18, 10),
        False,
    ),
    (
        "haushalt",
        "Bundestag beschließt den Haushalt für 2027",
        "Nach langen Beratungen hat der Bundestag den Bundeshaushalt verabschiedet.",
        [
            "Der Etat sieht Ausgaben von rund 490 Milliarden vor. Die Opposition kritisierte "
            "die hohe Neuverschuldung und stimmte geschlossen dagegen.",
        ],
        ["Haushalt", "Bundestag"],
        at(20, 16),
        True,
    ),
    (
        "zoo",
        "Elefantennachwuchs im Leipziger Zoo",
        "Im Zoo Leipzig ist ein kleiner Elefant zur Welt gekommen.",
        [
            "Das Jungtier wog bei der Geburt rund hundert Kilogramm und steht schon sicher "
            "auf den Beinen. Besucher können die Elefantenfamilie ab nächster Woche sehen.",
        ],
        ["Zoo"],
        at(18, 11),
        False,
    ),
]
