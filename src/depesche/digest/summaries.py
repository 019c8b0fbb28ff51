"""Summaries of a topic: extractive by default, or an OpenAI-compatible endpoint when configured.

Extractive: the topic's teasers and bodies are split into sentences with SoMaJo (a packaged
German tokenizer that keeps "z. B.", "3. Oktober" and "Dr. Müller" together; NLTK's German
models would have to be downloaded), each sentence is scored by its TF-IDF cosine to the
topic's combined terms (the most central sentences say what the articles have in common), the
best 2–4 that fit the length are kept in their original order.

Pluggable: with settings.SUMMARY_URL set, the texts go to `POST {url}/chat/completions`; any
error there (timeout, HTTP error, bad JSON, an empty or too long answer) is logged and the
extractive summary is used instead, so a build never fails because of the endpoint.

The bearer token goes to that URL and nowhere else: only over https (plain http only to a
loopback address), redirects are never followed (a 3xx is an error), and no log line carries it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings

from depesche.core.net import is_loopback_host
from depesche.core.text import truncate_at_word
from depesche.digest.grouping import Topic, cosine, terms, tfidf

logger = logging.getLogger(__name__)

MIN_SENTENCES = 2
MAX_SENTENCES = 4
# Shorter fragments are datelines, captions or interjections, not statements.
MIN_SENTENCE_CHARS = 30
# A sentence this similar (TF-IDF cosine) to one already chosen says the same thing again:
# two reports' "EZB senkt den Leitzins wegen der Inflation" score about 0.6, sentences on
# different aspects of one story 0.2–0.4.
DUPLICATE_SIMILARITY = 0.5
# Characters of each article sent to the HTTP summariser: enough for the gist, bounded cost.
HTTP_CHARS_PER_ARTICLE = 2500

PROMPT = (
    "Du schreibst für den Wochenrückblick einer deutschen Nachrichtenseite. Fasse die folgenden "
    "Artikel zu einem Thema in 2 bis 4 sachlichen, vollständigen deutschen Sätzen zusammen, "
    "höchstens {max_chars} Zeichen. Nur Tatsachen aus den Texten, keine Wertung, keine "
    "Überschrift, keine Aufzählung. Antworte nur mit der Zusammenfassung."
)


class SummaryError(Exception):
    """The configured summariser gave no usable summary."""


def summary_url_problem(url: str) -> str | None:
    """Why `url` may not receive the articles and the bearer token, or None if it may."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an https:// URL, e.g. https://api.example.org/v1"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return (
            "must use https:// (plain http:// only to a loopback address such as 127.0.0.1): "
            "the articles and the bearer token would cross the network readable"
        )
    return None


def shown_url(url: str) -> str:
    """`url` for a log line: without user, password and query, where a token could hide."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit((parts.scheme, host + port, parts.path, "", ""))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx becomes an HTTPError: following it would hand the bearer token (urllib keeps
    the Authorization header) and the articles to whatever address the answer names."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _valid_token(token: str) -> bool:
    # Printable ASCII without spaces: anything else (a line break from a key file) would make
    # http.client refuse the header with an error that quotes it.
    return all("!" <= char <= "~" for char in token)


@dataclass(frozen=True)
class Sentence:
    text: str
    position: tuple[int, int, int]  # (article by age, paragraph, sentence): original order


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from somajo import SoMaJo  # loads its lexicon once (~0.3 s), only when summarising

    return SoMaJo("de_CMC", split_camel_case=False, character_offsets=True)


def split_sentences(paragraphs: list[str]) -> list[list[str]]:
    """Sentences of each paragraph, as written (original spacing and punctuation)."""
    tokenizer = _tokenizer()
    result: list[list[str]] = []
    for raw in paragraphs:
        paragraph = " ".join(raw.split())
        sentences = tokenizer.tokenize_text([paragraph]) if paragraph else []
        result.append(
            [
                paragraph[sentence[0].character_offset[0] : sentence[-1].character_offset[1]]
                for sentence in sentences
            ]
        )
    return result


def _paragraphs(topic: Topic) -> list[list[str]]:
    """Teaser and body paragraphs of each article, oldest article first: the summary then
    tells the week's story in the order it happened."""
    articles = sorted(topic.articles, key=lambda article: (article.published_at, article.id))
    return [[article.teaser, *article.body.split("\n")] for article in articles]


def candidate_sentences(topic: Topic) -> list[Sentence]:
    found = []
    for a, paragraphs in enumerate(_paragraphs(topic)):
        for p, sentences in enumerate(split_sentences(paragraphs)):
            for s, text in enumerate(sentences):
                if len(text) >= MIN_SENTENCE_CHARS and text[-1] in ".!\"“”»«'’":
                    found.append(Sentence(text=text, position=(a, p, s)))
    return found


def extractive_summary(topic: Topic, *, max_chars: int) -> str:
    """2–4 of the topic's most central sentences in their original order, at most `max_chars`
    (joined with spaces). Fewer when the articles have fewer usable sentences or longer ones;
    a first sentence longer than `max_chars` is cut at a word with "…"."""
    sentences = candidate_sentences(topic)
    if not sentences:
        return truncate_at_word(topic.lead.teaser, max_chars)
    vectors = {sentence: tfidf(terms(sentence.text), topic.weights) for sentence in sentences}
    ranked = sorted(sentences, key=lambda s: (-cosine(vectors[s], topic.terms), s.position))
    chosen: list[Sentence] = []
    length = -1
    for sentence in ranked:
        if len(chosen) >= MAX_SENTENCES:
            break
        if length + 1 + len(sentence.text) > max_chars:
            continue
        if any(cosine(vectors[sentence], vectors[c]) >= DUPLICATE_SIMILARITY for c in chosen):
            continue
        chosen.append(sentence)
        length += 1 + len(sentence.text)
    if not chosen:
        return truncate_at_word(ranked[0].text, max_chars)
    return " ".join(sentence.text for sentence in sorted(chosen, key=lambda s: s.position))


def http_summary(topic: Topic, *, max_chars: int) -> str:
    """The summary from the configured OpenAI-compatible endpoint; SummaryError on any fault."""
    texts = "\n\n".join(
        f"Artikel {n}: {article.headline}\n{article.teaser}\n"
        f"{article.body[:HTTP_CHARS_PER_ARTICLE]}"
        for n, article in enumerate(topic.articles, start=1)
    )
    payload = {
        "model": settings.SUMMARY_MODEL,
        "messages": [
            {"role": "system", "content": PROMPT.format(max_chars=max_chars)},
            {"role": "user", "content": texts},
        ],
        "temperature": 0.2,
    }
    problem = summary_url_problem(settings.SUMMARY_URL)
    if problem is not None:
        raise SummaryError(f"DEPESCHE_SUMMARY_URL {problem}; not called")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    token = settings.SUMMARY_API_KEY
    if token:
        if not _valid_token(token):
            raise SummaryError(
                "DEPESCHE_SUMMARY_API_KEY holds a space, line break or other character a "
                "bearer token cannot have; not called"
            )
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        settings.SUMMARY_URL.rstrip("/") + "/chat/completions",
        data=json.dumps(payload).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.SUMMARY_TIMEOUT) as response:
            answer = json.loads(response.read().decode("utf-8"))
        text = answer["choices"][0]["message"]["content"]
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise SummaryError(f"HTTP {exc.code}: redirects are not followed") from exc
        raise SummaryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SummaryError(_redacted(f"unreachable: {exc}")) from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:  # JSONDecodeError is a ValueError
        raise SummaryError(_redacted(f"unexpected answer: {exc!r}")) from exc
    if not isinstance(text, str) or not text.strip():
        raise SummaryError("empty answer")
    text = " ".join(text.split())
    if len(text) > max_chars:
        raise SummaryError(f"answer too long ({len(text)} > {max_chars} characters)")
    return text


def _redacted(text: str) -> str:
    """`text` without the bearer token, should an error message ever quote it."""
    token = settings.SUMMARY_API_KEY
    return text.replace(token, "[token]") if token else text


def summarise(topic: Topic, *, max_chars: int) -> tuple[str, str]:
    """(summary, how): "http" from the configured endpoint, else "extractive"."""
    if settings.SUMMARY_URL:
        try:
            return http_summary(topic, max_chars=max_chars), "http"
        except SummaryError as exc:
            # No traceback: the chained exceptions hold the request, headers included.
            logger.warning(
                "summariser at %s failed (%s); using the extractive summary",
                shown_url(settings.SUMMARY_URL),
                _redacted(str(exc)),
            )
    return extractive_summary(topic, max_chars=max_chars), "extractive"
