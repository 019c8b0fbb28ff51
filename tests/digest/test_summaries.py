"""Summaries: SoMaJo sentences, the extractive choice, and the HTTP summariser with fallback."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.checks import run_checks

from depesche.digest import grouping
from depesche.digest.summaries import (
    extractive_summary,
    split_sentences,
    summarise,
)
from tests.support.digest_week import END, START


def topics_of(docs) -> dict[str, grouping.Topic]:
    topics = grouping.rank(grouping.group(list(docs.values())), period_start=START, period_end=END)
    return {key: next(t for t in topics if doc in t.articles) for key, doc in docs.items()}


def article_sentences(topic: grouping.Topic) -> list[str]:
    """Every sentence of the topic's articles, oldest article first."""
    found = []
    for article in sorted(topic.articles, key=lambda a: a.published_at):
        for paragraph in split_sentences([article.teaser, *article.body.split("\n")]):
            found.extend(paragraph)
    return found


def used_sentences(summary: str, topic: grouping.Topic) -> list[str]:
    """The topic's sentences the summary consists of, in summary order; fails on anything else."""
    rest, used = summary, []
    candidates = article_sentences(topic)
    while rest:
        match = next((s for s in candidates if rest.startswith(s)), None)
        assert match is not None, f"not a sentence of the articles: {rest!r}"
        used.append(match)
        rest = rest[len(match) :].lstrip(" ")
    return used


def test_somajo_keeps_abbreviations_dates_and_ordinals_together():
    text = (
        "Die Bahn verweist z. B. auf ihr Angebot vom 3. Oktober. Dr. Müller wurde am "
        "06.01.2022 Zweiter. Der 2. Platz ging an Bayern."
    )
    assert split_sentences([text, "", "Neuer Absatz. Zweiter Satz."]) == [
        [
            "Die Bahn verweist z. B. auf ihr Angebot vom 3. Oktober.",
            "Dr. Müller wurde am 06.01.2022 Zweiter.",
            "Der 2. Platz ging an Bayern.",
        ],
        [],
        ["Neuer Absatz.", "Zweiter Satz."],
    ]


def test_extractive_summary_is_two_to_four_of_the_articles_sentences_in_order(week_docs):
    topic = topics_of(week_docs)["streik1"]
    summary = extractive_summary(topic, max_chars=600)
    used = used_sentences(summary, topic)
    assert 2 <= len(used) <= 4
    assert len(summary) <= 600
    everything = article_sentences(topic)
    positions = [everything.index(sentence) for sentence in used]
    assert positions == sorted(positions)
    # Central sentences name the story, not side remarks.
    assert any("Streik" in sentence for sentence in used)


def test_extractive_summary_respects_a_tight_length(week_docs):
    topic = topics_of(week_docs)["streik1"]
    summary = extractive_summary(topic, max_chars=200)
    assert 0 < len(summary) <= 200
    used_sentences(summary, topic)


def test_a_sentence_with_abbreviations_survives_whole_in_a_summary(week_docs):
    topic = topics_of(week_docs)["streik1"]
    candidates = article_sentences(topic)
    assert (
        "Die Bahn nennt den Streik unverhältnismäßig und verweist z. B. auf ihr Angebot "
        "vom 3. Oktober." in candidates
    )
    assert not any(sentence.endswith(("z.", "3.")) for sentence in candidates)


def test_a_single_overlong_sentence_is_cut_at_a_word(week_docs):
    doc = week_docs["zoo"]
    doc.teaser = "Ein sehr langer Satz " + "mit vielen Wörtern " * 40 + "endet hier."
    doc.body = ""
    topic = grouping.Topic(articles=[doc], terms={"wort": 1.0}, weights={})
    summary = extractive_summary(topic, max_chars=120)
    assert len(summary) <= 120
    assert summary.endswith("…")


# --- the HTTP summariser -------------------------------------------------------------------------


class FakeLLM:
    """An OpenAI-compatible /chat/completions on 127.0.0.1 with a switchable behaviour."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer = "Die Lokführer streiken. Bahn und Gewerkschaft verhandeln wieder."
        self.requests: list[tuple[str, dict, dict]] = []
        self.redirect = (302, "")  # (status, Location) answered in mode "redirect"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                # A client that follows a 301/302/303 comes back with GET.
                fake.requests.append((self.path, dict(self.headers), {}))
                self.send_response(200)
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append((self.path, dict(self.headers), json.loads(body)))
                if fake.mode == "redirect":
                    self.send_response(fake.redirect[0])
                    self.send_header("Location", fake.redirect[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if fake.mode == "timeout":
                    time.sleep(1.0)
                if fake.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                if fake.mode == "garbage":
                    payload = b"<html>kein JSON</html>"
                else:
                    content = {"empty": "  ", "long": "Satz. " * 200}.get(fake.mode, fake.answer)
                    payload = json.dumps(
                        {"choices": [{"message": {"role": "assistant", "content": content}}]}
                    ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout)
                    self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def llm(settings):
    fake = FakeLLM()
    settings.SUMMARY_URL = fake.url
    settings.SUMMARY_MODEL = "test-modell"
    settings.SUMMARY_API_KEY = "geheim"
    settings.SUMMARY_TIMEOUT = 0.3
    yield fake
    fake.close()


def test_http_summariser_sends_the_topic_and_uses_the_answer(llm, week_docs):
    topic = topics_of(week_docs)["streik1"]
    summary, how = summarise(topic, max_chars=600)
    assert (summary, how) == (llm.answer, "http")
    path, headers, payload = llm.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer geheim"
    assert payload["model"] == "test-modell"
    assert "Fasse" in payload["messages"][0]["content"]
    assert "600 Zeichen" in payload["messages"][0]["content"]
    for article in topic.articles:
        assert article.headline in payload["messages"][1]["content"]


@pytest.mark.parametrize("mode", ["error", "timeout", "garbage", "empty", "long"])
def test_http_summariser_falls_back_to_extractive_on_any_fault(llm, week_docs, caplog, mode):
    llm.mode = mode
    topic = topics_of(week_docs)["streik1"]
    with caplog.at_level(logging.WARNING, logger="depesche.digest.summaries"):
        summary, how = summarise(topic, max_chars=600)
    assert how == "extractive"
    assert summary == extractive_summary(topic, max_chars=600)
    assert len(llm.requests) == 1
    assert "using the extractive summary" in caplog.text


def test_unreachable_summariser_falls_back(settings, week_docs, caplog):
    fake = FakeLLM()
    fake.close()  # nothing listens there any more
    settings.SUMMARY_URL = fake.url
    settings.SUMMARY_TIMEOUT = 0.3
    topic = topics_of(week_docs)["zins1"]
    with caplog.at_level(logging.WARNING, logger="depesche.digest.summaries"):
        assert summarise(topic, max_chars=600)[1] == "extractive"
    assert "unreachable" in caplog.text


def test_without_a_url_nothing_is_called(settings, week_docs):
    settings.SUMMARY_URL = ""
    topic = topics_of(week_docs)["zins1"]
    assert summarise(topic, max_chars=600) == (
        extractive_summary(topic, max_chars=600),
        "extractive",
    )


def test_a_restatement_from_the_second_report_is_left_out(week_docs):
    topic = topics_of(week_docs)["zins1"]
    summary = extractive_summary(topic, max_chars=600)
    first = "Die Europäische Zentralbank senkt den Leitzins wegen der sinkenden Inflation."
    again = "Die Europäische Zentralbank hat den Leitzins gesenkt, weil die Inflation gesunken ist."
    assert first in summary
    assert again not in summary


def test_sentences_follow_the_order_of_events(week_docs):
    topic = topics_of(week_docs)["streik1"]
    summary = extractive_summary(topic, max_chars=600)
    # The call to strike (Monday) comes before the talks (Thursday), whatever the lead article.
    assert summary.index("aufgerufen") < summary.index("Verhandlungstisch")


# --- the bearer token goes to DEPESCHE_SUMMARY_URL only ------------------------------------------

TOKEN = "sk-geheim-4711"


@pytest.fixture
def elsewhere():
    """A second endpoint a redirect points to: it must never be asked anything."""
    fake = FakeLLM()
    yield fake
    fake.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed(llm, elsewhere, settings, week_docs, caplog, status):
    settings.SUMMARY_API_KEY = TOKEN
    llm.mode = "redirect"
    llm.redirect = (status, elsewhere.url + "/chat/completions")
    topic = topics_of(week_docs)["streik1"]

    with caplog.at_level(logging.WARNING, logger="depesche.digest.summaries"):
        summary, how = summarise(topic, max_chars=600)

    assert (summary, how) == (extractive_summary(topic, max_chars=600), "extractive")
    assert len(llm.requests) == 1
    assert elsewhere.requests == []
    assert f"HTTP {status}: redirects are not followed" in caplog.text


@pytest.mark.parametrize("fault", ["error", "redirect", "garbage", "unreachable", "bad token"])
def test_the_token_is_in_no_log_record(llm, elsewhere, settings, week_docs, caplog, fault):
    settings.SUMMARY_API_KEY = TOKEN
    llm.mode = fault
    llm.redirect = (302, elsewhere.url + "/chat/completions")
    if fault == "unreachable":
        llm.close()
    if fault == "bad token":
        # A key read from a file with its line break: http.client refuses the header and
        # quotes it in its error.
        settings.SUMMARY_API_KEY = TOKEN + "\n"
    topic = topics_of(week_docs)["streik1"]
    caplog.set_level(logging.DEBUG)

    assert summarise(topic, max_chars=600)[1] == "extractive"

    assert "using the extractive summary" in caplog.text
    # caplog.text is every record formatted, tracebacks included.
    assert TOKEN not in caplog.text
    assert "Authorization" not in caplog.text
    assert "Bearer" not in caplog.text
    assert elsewhere.requests == []


# Names under .invalid never resolve: should the refusal break, nothing leaves the machine.
@pytest.mark.parametrize(
    "url",
    [
        "http://summaries.invalid/v1",
        "http://127.0.0.1.summaries.invalid/v1",
        "ftp://summaries.invalid/v1",
    ],
)
def test_a_summary_url_without_https_is_refused(settings, week_docs, caplog, url):
    settings.SUMMARY_URL = url
    settings.SUMMARY_API_KEY = TOKEN
    topic = topics_of(week_docs)["zins1"]

    errors = [message for message in run_checks() if message.id == "depesche.E010"]
    # Refused at call time too, before any connection (nothing is looked up or contacted).
    with caplog.at_level(logging.WARNING, logger="depesche.digest.summaries"):
        assert summarise(topic, max_chars=600)[1] == "extractive"

    assert len(errors) == 1
    assert errors[0].msg.startswith("DEPESCHE_SUMMARY_URL must")
    assert "https://" in errors[0].msg
    assert "DEPESCHE_SUMMARY_URL must" in caplog.text
    assert "not called" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.org/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.3.4.5/v1",
        "http://[::1]:8080/v1",
        "http://localhost:8080/v1",
        "",
    ],
)
def test_https_and_loopback_summary_urls_pass_the_check(settings, url):
    settings.SUMMARY_URL = url
    assert [message for message in run_checks() if message.id == "depesche.E010"] == []


@pytest.mark.parametrize("url", ["http://10.0.0.7:8080/v1", "http://[2001:db8::1]/v1"])
def test_plain_http_to_any_other_address_fails_the_check(settings, url):
    settings.SUMMARY_URL = url  # only checked here, never called
    assert [message.id for message in run_checks()].count("depesche.E010") == 1
