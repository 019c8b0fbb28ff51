"""The pronunciation dictionary ("Aussprache") in the admin: entries change the audio of the
public articles that say them (each made again once), permissions, validation, the preview."""

from __future__ import annotations

import io
import wave

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.urls import reverse
from wagtail.models import PageViewRestriction

from depesche.audio.admin_views import PREVIEW_MAX_CHARS, PREVIEW_URL_NAME, preview_url
from depesche.audio.lexicon import Entry, Lexicon
from depesche.audio.models import ArticleAudio, Pronunciation
from depesche.audio.scheduling import pronunciation_changed
from depesche.audio.selectors import article_ids_saying
from depesche.audio.services import article_audio_build
from depesche.audio.tasks import pronunciation_audio_task
from depesche.newsroom.models import ArticlePage
from tests.factories import paragraphs, publish_article

URLS = "wagtailsnippets_audio_pronunciation"
ADD_URL = reverse(f"{URLS}:add")
INDEX_URL = reverse(f"{URLS}:list")
PREVIEW_URL = reverse(PREVIEW_URL_NAME)


@pytest.fixture
def espeak(settings, article_audio_on):
    """Article audio on, read by eSpeak NG: quick, and the same bytes for the same text."""
    settings.TTS_ENGINE = "espeak"


@pytest.fixture
def editor(django_user_model, db):
    """A member of Wagtail's "Editors" group, with what the data migration grants it."""
    user = django_user_model.objects.create_user("redakteurin", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def outsider(django_user_model, db):
    """Admin access, nothing else."""
    user = django_user_model.objects.create_user("praktikant", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def with_audio(section, capture, title: str, *sentences: str) -> ArticlePage:
    with capture(execute=True):
        article = publish_article(
            section, title=title, teaser="Aus der Redaktion.", body=paragraphs(*sentences)
        )
    assert ArticleAudio.objects.get(article=article).is_ready
    return article


@pytest.fixture
def articles(site_tree, espeak, django_capture_on_commit_callbacks):
    """Two public articles with audio (one says "Tokajew"), and a restricted one that says it
    and still has a row of failed audio (as if it had failed before the restriction)."""
    politik = site_tree.sections["Politik"]
    capture = django_capture_on_commit_callbacks
    says = with_audio(politik, capture, "Besuch in Astana", "Präsident Tokajew empfängt Gäste.")
    silent = with_audio(politik, capture, "Haushalt steht", "Der Landtag stimmt ab.")
    restricted = publish_article(
        politik, title="Nur für Abonnenten", body=paragraphs("Tokajew sagt ab.")
    )
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    ArticleAudio.objects.create(
        article=restricted, status=ArticleAudio.Status.FAILED, error="früher"
    )
    return {"says": says, "silent": silent, "restricted": restricted}


def state(article: ArticlePage) -> tuple[str, str, object]:
    """What changes when the article's audio is made again: fingerprint, file, time."""
    audio = ArticleAudio.objects.get(article=article)
    return audio.fingerprint, audio.file.name, audio.updated_at


def entry_data(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {"written": "Tokajew", "spoken": "Tokajeff", "whole_word": "on"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


# --- the script and the fingerprint ---------------------------------------------------------


def test_an_entry_gives_the_article_another_fingerprint(
    site_tree, espeak, django_capture_on_commit_callbacks
):
    article = publish_article(
        site_tree.sections["Politik"], title="Astana", body=paragraphs("Tokajew spricht.")
    )
    plain = article_audio_build(article_id=article.pk, lexicon=Lexicon())
    assert plain is not None
    plain_state = (plain.fingerprint, plain.file.name)
    assert plain.fingerprint == ArticlePage.objects.get(pk=article.pk).content_fingerprint

    unrelated = article_audio_build(article_id=article.pk, lexicon=Lexicon([Entry("OVKS", "x")]))
    assert unrelated is not None and (unrelated.fingerprint, unrelated.file.name) == plain_state

    with django_capture_on_commit_callbacks(execute=True):  # the replaced MP3 goes after it
        spoken = article_audio_build(
            article_id=article.pk, lexicon=Lexicon([Entry("Tokajew", "Tokajeff")])
        )
    assert spoken is not None
    assert spoken.fingerprint != plain_state[0]
    assert spoken.file.name != plain_state[1]
    assert not default_storage.exists(plain_state[1])


def test_the_scan_finds_public_articles_with_audio_that_say_a_form(articles):
    assert article_ids_saying(written_forms=["tokajew"]) == [articles["says"].pk]
    assert article_ids_saying(written_forms=["Tokaj"]) == [articles["says"].pk]  # inside words
    assert article_ids_saying(written_forms=["OVKS", " "]) == []
    assert article_ids_saying(written_forms=[]) == []


def test_the_scan_reads_articles_in_chunks_not_one_query_each(
    site_tree, django_assert_max_num_queries
):
    politik = site_tree.sections["Politik"]

    def add(count: int) -> None:
        for number in range(count):
            article = publish_article(politik, body=paragraphs(f"Tokajew, Folge {number}."))
            ArticleAudio.objects.create(article=article, status=ArticleAudio.Status.READY)

    add(2)
    with django_assert_max_num_queries(2):
        assert len(article_ids_saying(written_forms=["Tokajew"])) == 2
    add(6)
    with django_assert_max_num_queries(2):
        assert len(article_ids_saying(written_forms=["Tokajew"])) == 8


# --- saving and deleting in the admin --------------------------------------------------------


def test_creating_an_entry_remakes_the_audio_of_articles_that_say_it_once(
    client, editor, articles, django_capture_on_commit_callbacks
):
    before = {name: state(article) for name, article in articles.items() if name != "restricted"}
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, entry_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Pronunciation.objects.get().spoken == "Tokajeff"

    after = state(articles["says"])
    assert after[0] != before["says"][0]
    assert after[1] != before["says"][1]
    assert state(articles["silent"]) == before["silent"]
    # Behind a password: not touched, no MP3 made.
    restricted = ArticleAudio.objects.get(article=articles["restricted"])
    assert (restricted.status, restricted.error, restricted.file.name) == ("failed", "früher", "")

    # The task again (a retry, a second worker): nothing is synthesised again.
    with django_capture_on_commit_callbacks(execute=True):
        assert pronunciation_audio_task.call(written_forms=["Tokajew"]) == 1
    assert state(articles["says"]) == after


def test_editing_and_deleting_an_entry_remake_the_audio(
    client, editor, articles, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD_URL, entry_data())
    entry = Pronunciation.objects.get()
    made = state(articles["says"])
    silent = state(articles["silent"])

    edit_url = reverse(f"{URLS}:edit", args=[entry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, entry_data(spoken="Tokajeef"))
    assert response.status_code == 302
    respoken = state(articles["says"])
    assert respoken[0] != made[0]

    # Renamed: the articles that said the old form are read without the entry again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, entry_data(written="Tokajev", spoken="Tokajeef"))
    assert response.status_code == 302
    renamed = state(articles["says"])
    content = ArticlePage.objects.get(pk=articles["says"].pk).content_fingerprint
    assert renamed[0] == content != respoken[0]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url, entry_data(written="Tokajew", spoken="Tokajeef"))
    assert state(articles["says"])[0] == respoken[0]  # same entry, same fingerprint as before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(f"{URLS}:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not Pronunciation.objects.exists()
    assert state(articles["says"])[0] == content
    assert state(articles["silent"]) == silent


def test_bulk_deleting_entries_remakes_the_audio(
    client, editor, articles, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD_URL, entry_data())
    other = Pronunciation.objects.create(written="OVKS", spoken="O-V-K-S")
    entry = Pronunciation.objects.get(written="Tokajew")
    assert (
        state(articles["says"])[0]
        != ArticlePage.objects.get(pk=articles["says"].pk).content_fingerprint
    )

    bulk = reverse("wagtail_bulk_action", args=("audio", "pronunciation", "delete"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{bulk}?id={entry.pk}&id={other.pk}")
    assert response.status_code == 302
    assert not Pronunciation.objects.exists()
    content = ArticlePage.objects.get(pk=articles["says"].pk).content_fingerprint
    assert state(articles["says"])[0] == content


def test_nothing_is_queued_while_article_audio_is_off(
    settings, articles, django_capture_on_commit_callbacks
):
    settings.ARTICLE_AUDIO = False
    with django_capture_on_commit_callbacks() as callbacks:
        pronunciation_changed(written_forms=["Tokajew"])
    assert callbacks == []
    assert pronunciation_audio_task.call(written_forms=["Tokajew"]) == 0

    settings.ARTICLE_AUDIO = True
    with django_capture_on_commit_callbacks() as callbacks:
        pronunciation_changed(written_forms=["Tokajew", "", " "])
    assert len(callbacks) == 1


def test_the_data_migration_lets_editors_and_moderators_keep_the_dictionary(db):
    wanted = {f"{action}_pronunciation" for action in ("add", "change", "delete", "view")}
    for name in ("Editors", "Moderators"):
        codenames = set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="audio")
            .values_list("codename", flat=True)
        )
        assert codenames == wanted, name


def test_users_without_the_permission_are_turned_away(client, outsider, articles):
    entry = Pronunciation.objects.create(written="Tokajew", spoken="Tokajeff")
    client.force_login(outsider)
    for url in (INDEX_URL, ADD_URL, reverse(f"{URLS}:edit", args=[entry.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/admin/", url
    response = client.post(ADD_URL, entry_data(written="OVKS"))
    assert response.status_code == 302
    assert Pronunciation.objects.count() == 1
    response = client.get(PREVIEW_URL, {"text": "Tokajew"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")


def test_anonymous_visitors_go_to_the_login(client, db):
    response = client.get(PREVIEW_URL, {"text": "Tokajew"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- the form -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"written": "   "}, "written", "muss ausgefüllt werden"),
        ({"spoken": "  "}, "spoken", "muss ausgefüllt werden"),
        ({"written": "…?!"}, "written", "Nur Satzzeichen"),
        ({"spoken": "a" * 201}, "spoken", "höchstens 200 Zeichen"),
    ],
)
def test_invalid_entries_get_a_form_error(admin_client, db, fields, field, message):
    response = admin_client.post(ADD_URL, entry_data(**fields))
    assert response.status_code == 200
    assert not Pronunciation.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])


def test_forms_are_stored_stripped(admin_client, db):
    response = admin_client.post(ADD_URL, entry_data(written=" Tass ", spoken=" Tass "))
    assert response.status_code == 302
    assert Pronunciation.objects.values_list("written", "spoken").get() == ("Tass", "Tass")


def test_the_form_offers_to_hear_the_spoken_form(client, editor):
    client.force_login(editor)
    page = soup(client.get(ADD_URL))
    spoken = page.select_one("input[name=spoken]")
    assert spoken is not None
    assert spoken["data-pronunciation-preview"] == PREVIEW_URL
    scripts = [tag["src"] for tag in page.select("script[src]")]
    assert any(src.endswith("depesche/pronunciation-preview.js") for src in scripts)
    assert not page.select("[onclick]")


def test_the_listing_links_each_entry_to_its_preview_and_searches(client, editor):
    Pronunciation.objects.create(written="OVKS", spoken="O-V-K-S", whole_word=False)
    Pronunciation.objects.create(written="Tokajew", spoken="Tokajeff", case_sensitive=False)
    client.force_login(editor)
    page = soup(client.get(INDEX_URL))
    rows = page.select("#listing-results table.listing tbody tr")
    assert len(rows) == 2
    links = [row.select_one("a[data-pronunciation-play]") for row in rows]
    assert [link["href"] for link in links if link] == [
        preview_url("O-V-K-S"),
        preview_url("Tokajeff"),
    ]
    scripts = [tag["src"] for tag in page.select("script[src]")]
    assert any(src.endswith("depesche/pronunciation-preview.js") for src in scripts)
    assert "Aussprache" in client.get("/admin/").content.decode()

    found = soup(client.get(INDEX_URL, {"q": "tokajeff"}))
    assert [a["href"] for a in found.select("a[data-pronunciation-play]")] == [
        preview_url("Tokajeff")
    ]


# --- the preview ----------------------------------------------------------------------------


def wav_seconds(content: bytes) -> float:
    with wave.open(io.BytesIO(content), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_the_preview_is_a_wav_with_the_dictionary_applied(client, editor, espeak):
    client.force_login(editor)
    response = client.get(PREVIEW_URL, {"text": "Tokajew"})
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    before = response.content
    assert wav_seconds(before) > 0.2

    Pronunciation.objects.create(written="Tokajew", spoken="Tokajeff")
    applied = client.get(PREVIEW_URL, {"text": "Tokajew"}).content
    assert applied != before
    assert applied == client.get(PREVIEW_URL, {"text": "Tokajeff"}).content


def test_the_preview_speaks_with_pico_too(client, editor, settings):
    settings.TTS_ENGINE = "pico"
    client.force_login(editor)
    response = client.get(PREVIEW_URL, {"text": "Die OVKS tagt."})
    assert response.status_code == 200
    assert wav_seconds(response.content) > 0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Bitte einen Text"),
        ("  …  ", "Bitte einen Text"),
        ("a" * (PREVIEW_MAX_CHARS + 1), "Höchstens 200 Zeichen"),
    ],
)
def test_the_preview_refuses_no_text_and_long_text(client, editor, espeak, text, message):
    client.force_login(editor)
    response = client.get(PREVIEW_URL, {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_preview_takes_exactly_the_longest_text(client, editor, espeak):
    client.force_login(editor)
    response = client.get(PREVIEW_URL, {"text": "Ja. " * (PREVIEW_MAX_CHARS // 4)})
    assert response.status_code == 200


def test_the_preview_says_why_when_no_voice_can_speak(client, editor, settings):
    settings.TTS_ENGINE = "piper"
    settings.PIPER_MODEL = ""
    client.force_login(editor)
    response = client.get(PREVIEW_URL, {"text": "Tokajew"})
    assert response.status_code == 503
    assert "DEPESCHE_PIPER_MODEL" in response.content.decode()
