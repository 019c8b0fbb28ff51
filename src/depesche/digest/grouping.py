"""Topics from a week's articles: shared tags and similar text, joined by union-find, then ranked.

Pure functions over plain data (no database), so the rules can be tested on a hand-built week.

Text similarity is TF-IDF cosine over headline, teaser and body, written by hand: a week holds
tens to a few hundred articles, the vectors are a few dictionaries, and a general toolkit
(scikit-learn, NLTK) would add megabytes of dependencies and its own tokenising and stopwords
that we would have to override for German anyway.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# Frequent German function words; they carry no topic and would make every text look alike.
_STOPWORD_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim
    bereits bis bisher bleibt da dabei damit dann darauf darum das dass dem den denen denn der
    deren des dessen die dies diese diesem diesen dieser dieses doch dort durch ein eine einem
    einen einer eines einige etwa euro für gab gegen geht gibt habe haben hat hatte hätte heißt
    hier hin ihm ihn ihr ihre ihrem ihren ihrer im immer in ins ist jahr jahre jahren jedoch jetzt
    kann kein keine können könnte laut mehr mit muss müssen nach nicht noch nun nur ob oder ohne
    prozent sagt sagte schon sehr sei seien sein seine seinem seinen seiner seit sich sie sind so
    soll sollen sollte sowie über um und uns unter vom von vor war waren was weil weiter weitere
    wenn wer werden wie wieder will wir wird wurde wurden zu zum zur zwei drei vier zwischen
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Crude German suffix stripping, longest first: "Streiks", "Streikenden" and "Streik" meet at
# "streik". Only applied while at least MIN_STEM letters remain, so short words stay whole.
_SUFFIXES = ("enden", "ende", "ern", "en", "er", "es", "e", "n", "s")
MIN_STEM = 4

# Two articles belong to one topic when any of these holds (union-find joins the pairs):
# - they share at least SHARED_TAGS tags and some vocabulary (cosine >= TAGS_AND_TEXT);
# - they share one tag and more vocabulary (cosine >= TAG_AND_TEXT);
# - their texts are much alike (cosine >= TEXT_ALONE), whatever the tags: agency copy and own
#   reporting on one event are often tagged differently.
# Tags alone never join: editors tag by theme ("Rente", "Inflation"), and two different
# stories of one theme are two topics. Cosine of TF-IDF vectors: in the demo week unrelated
# articles score 0.00-0.07 even with shared tags, reports on one story 0.08-0.4.
SHARED_TAGS = 2
TAGS_AND_TEXT = 0.08
TAG_AND_TEXT = 0.15
TEXT_ALONE = 0.25
# A tag on more than this share of the week's articles (with at least BROAD_TAG_MIN of them)
# is a section-like label ("Wirtschaft"), not a story: it does not join articles.
BROAD_TAG_SHARE = 0.3
BROAD_TAG_MIN = 6

# Ranking weights: an editor's Top-Thema flag outweighs everything else; then the number of
# articles, the week's reads (logarithmic: 1,000 reads are not 100 times 10) and recency
# (0 for a topic whose newest article is a week old, 1 for one published at the period's end).
WEIGHT_TOP_TOPIC = 20.0
WEIGHT_ARTICLE = 2.0
WEIGHT_VIEWS = 1.5
WEIGHT_RECENCY = 1.0


@dataclass
class ArticleDoc:
    """What grouping and ranking know about one article."""

    id: int
    headline: str
    teaser: str
    body: str
    tags: frozenset[str]
    published_at: datetime
    top_topic: bool = False
    views: int = 0

    @property
    def text(self) -> str:
        return f"{self.headline}\n{self.teaser}\n{self.body}"


@dataclass
class Topic:
    articles: list[ArticleDoc]  # leading article first
    score: float = 0.0
    # The summed TF-IDF vectors of its articles, and the week's IDF: summaries pick the
    # sentences closest to these terms.
    terms: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def lead(self) -> ArticleDoc:
        return self.articles[0]

    @property
    def views(self) -> int:
        return sum(article.views for article in self.articles)

    @property
    def newest(self) -> datetime:
        return max(article.published_at for article in self.articles)

    @property
    def is_top(self) -> bool:
        return any(article.top_topic for article in self.articles)


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words of `text` (no numbers, no stopwords)."""
    words = (word.lower() for word in _TOKEN.findall(text))
    return [stem(word) for word in words if word not in STOPWORDS]


def idf(documents: list[list[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency: a term in every document still weighs a little."""
    df: Counter[str] = Counter()
    for document in documents:
        df.update(set(document))
    n = len(documents)
    return {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}


def tfidf(document: list[str], weights: dict[str, float]) -> dict[str, float]:
    """L2-normalised TF-IDF vector; sub-linear term frequency so one repeated word cannot win."""
    counts = Counter(document)
    vector = {term: (1.0 + math.log(n)) * weights.get(term, 1.0) for term, n in counts.items()}
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / norm for term, value in vector.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def story_tags(articles: list[ArticleDoc]) -> list[frozenset[str]]:
    """Each article's tags without the week's broad, section-like ones (lower-cased)."""
    lowered = [frozenset(tag.lower() for tag in article.tags) for article in articles]
    counts: Counter[str] = Counter(tag for tags in lowered for tag in tags)
    limit = max(BROAD_TAG_MIN, BROAD_TAG_SHARE * len(articles))
    broad = {tag for tag, n in counts.items() if n > limit}
    return [tags - broad for tags in lowered]


def related(shared_tags: int, similarity: float) -> bool:
    """The rule that puts two articles into one topic (see the thresholds above)."""
    return (
        (shared_tags >= SHARED_TAGS and similarity >= TAGS_AND_TEXT)
        or (shared_tags >= 1 and similarity >= TAG_AND_TEXT)
        or similarity >= TEXT_ALONE
    )


def group(articles: list[ArticleDoc]) -> list[Topic]:
    """Articles into topics; every article is in exactly one. Topics are not ranked yet; each
    has its articles leading article first and its combined term weights (for summaries)."""
    documents = [terms(article.text) for article in articles]
    weights = idf(documents)
    vectors = [tfidf(document, weights) for document in documents]
    tags = story_tags(articles)
    sets = _UnionFind(len(articles))
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if related(len(tags[i] & tags[j]), cosine(vectors[i], vectors[j])):
                sets.union(i, j)
    members: dict[int, list[int]] = {}
    for i in range(len(articles)):
        members.setdefault(sets.find(i), []).append(i)
    topics = []
    for indices in members.values():
        centroid: dict[str, float] = {}
        for i in indices:
            for term, value in vectors[i].items():
                centroid[term] = centroid.get(term, 0.0) + value
        # Leading article: flagged, else most read, else closest to the topic's common
        # terms (the one that tells the whole story), else the newest.
        centrality = {i: cosine(vectors[i], centroid) for i in indices}
        ordered = [
            articles[i]
            for i in sorted(
                indices,
                key=lambda i: (
                    articles[i].top_topic,
                    articles[i].views,
                    round(centrality[i], 6),
                    articles[i].published_at,
                    -articles[i].id,
                ),
                reverse=True,
            )
        ]
        topics.append(Topic(articles=ordered, terms=centroid, weights=weights))
    return topics


def topic_score(topic: Topic, *, period_start: datetime, period_end: datetime) -> float:
    span = (period_end - period_start).total_seconds() or 1.0
    age = (period_end - topic.newest).total_seconds()
    recency = min(1.0, max(0.0, 1.0 - age / span))
    return (
        WEIGHT_TOP_TOPIC * topic.is_top
        + WEIGHT_ARTICLE * len(topic.articles)
        + WEIGHT_VIEWS * math.log1p(topic.views)
        + WEIGHT_RECENCY * recency
    )


def rank(topics: list[Topic], *, period_start: datetime, period_end: datetime) -> list[Topic]:
    """Topics best first, each with its score; ties: newer first, then lower article id."""
    for topic in topics:
        topic.score = topic_score(topic, period_start=period_start, period_end=period_end)
    return sorted(topics, key=lambda t: (-t.score, -t.newest.timestamp(), t.lead.id))


def select(topics: list[Topic], *, minimum: int, maximum: int) -> list[Topic]:
    """The ranked topics to keep: always the first `minimum`; beyond that, up to `maximum`,
    only topics that are more than one unflagged article (a lone minor report does not
    stretch the Wochenrückblick)."""
    kept = list(topics[:minimum])
    for topic in topics[minimum:]:
        if len(kept) >= maximum:
            break
        if len(topic.articles) > 1 or topic.is_top:
            kept.append(topic)
    return kept
