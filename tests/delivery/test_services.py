"""Alerts through an email service's HTTP API (django-anymail), against a Mailgun-compatible
API server on loopback: one batch call per article chunk with per-reader merge data and
headers; API errors are retried."""

from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from depesche.alerts.models import Delivery
from depesche.alerts.rendering import message_id
from depesche.config.email import email_settings, service_name
from depesche.delivery.sending import send_due
from depesche.delivery.transports import BATCH_SIZE
from tests.factories import follower, publish_article


def form_fields(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The fields of a form post, urlencoded or multipart."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qsl(body.decode(), keep_blank_values=True)
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    return [
        (part.get_param("name", header="content-disposition"), part.get_content())
        for part in message.iter_parts()
    ]


class MailgunAPI:
    """Answers POST /v3/<domain>/messages like Mailgun; records each call's form fields."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.calls: list[list[tuple[str, str]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                api.calls.append(form_fields(self.headers["Content-Type"], self.rfile.read(length)))
                ok = api.status == 200
                payload = (
                    {"id": f"<bench.{len(api.calls)}@mg.example>", "message": "Queued. Thank you."}
                    if ok
                    else {"message": "Internal error"}
                )
                body = json.dumps(payload).encode()
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def mailgun(settings):
    api = MailgunAPI()
    backend, anymail = email_settings(f"mailgun://key-test@?api_url=http://127.0.0.1:{api.port}/v3")
    settings.EMAIL_BACKEND = backend["EMAIL_BACKEND"]
    settings.ANYMAIL = {**settings.ANYMAIL, **anymail}
    # An email service with a webhook secret: List-Unsubscribe offers the mailto: address.
    settings.UNSUBSCRIBE_MAILTO = "abmelden@depesche.invalid"
    yield api
    api.server.shutdown()


def publish(site_tree, capture, *tags: str):
    with capture(execute=True):
        return publish_article(
            site_tree.sections["Wirtschaft"], tags=list(tags), title="Strompreise sinken"
        )


def test_email_url_selects_an_email_service_with_its_settings():
    backend, anymail = email_settings("mailgun://key-1@?api_url=https://api.eu.mailgun.net/v3")
    assert backend == {"EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend"}
    assert anymail == {
        "MAILGUN_API_KEY": "key-1",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
    }
    assert service_name(backend["EMAIL_BACKEND"]) == "mailgun"
    assert email_settings("postmark://tok%2Fen@")[1] == {"POSTMARK_SERVER_TOKEN": "tok/en"}
    assert email_settings("mailjet://k:s@")[1] == {
        "MAILJET_API_KEY": "k",
        "MAILJET_SECRET_KEY": "s",
    }
    smtp, extra = email_settings("smtp://u:p@relay.example:587?tls=1")
    assert smtp["EMAIL_HOST"] == "relay.example" and smtp["EMAIL_USE_TLS"] and extra == {}
    assert service_name(smtp["EMAIL_BACKEND"]) == ""
    with pytest.raises(ValueError, match="unknown scheme 'gopher'"):
        email_settings("gopher://x")


def test_mailgun_gets_one_batch_call_with_each_readers_links_and_headers(
    site_tree, mailgun, django_capture_on_commit_callbacks
):
    readers = [follower(f"leser{i}@example.org", "Energie") for i in range(3)]
    follower("klima@example.org", "Klima")
    article = publish(site_tree, django_capture_on_commit_callbacks, "Energie", "Klima")

    assert send_due() == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    # One article, four readers: one API call (BATCH_SIZE readers per call).
    assert len(mailgun.calls) == 1 <= 4 <= BATCH_SIZE
    fields = mailgun.calls[0]
    to = sorted(value for name, value in fields if name == "to")
    assert to == sorted([r.email for r in readers] + ["klima@example.org"])
    data = dict(fields)
    assert data["subject"] == "Strompreise sinken"
    assert "%recipient.unsub%" in data["text"] and "%recipient.tags%" in data["text"]
    assert "%recipient.tagshtml%" in data["html"]
    assert "@@DEPESCHE" not in data["text"] + data["html"]
    assert data["h:List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    variables = json.loads(data["recipient-variables"])
    first = variables[readers[0].email]
    assert first["tags"] == "Energie"
    assert variables["klima@example.org"]["tags"] == "Klima"
    assert first["unsub"].startswith("http://testserver/abo/abmelden/")
    assert first["unsub"] != variables[readers[1].email]["unsub"]  # personal links
    assert first["h:Message-Id"] == (
        f"<{message_id(article_id=article.pk, subscriber_id=readers[0].pk)}>"
    )
    assert first["h:List-Unsubscribe"].startswith(f"<{first['unsub']}>, <mailto:")
    assert send_due() == 0  # exactly once


def test_an_api_error_puts_the_batch_back_for_a_retry(
    site_tree, mailgun, django_capture_on_commit_callbacks
):
    follower("a@example.org", "Energie")
    follower("b@example.org", "Energie")
    mailgun.status = 500
    publish(site_tree, django_capture_on_commit_callbacks, "Energie")
    assert send_due() == 0
    rows = list(Delivery.objects.values_list("status", "attempts", "last_error"))
    assert [(status, attempts) for status, attempts, _ in rows] == [("pending", 1)] * 2
    assert all("service:" in error for _, _, error in rows)
    assert len(mailgun.calls) == 1

    mailgun.status = 200
    Delivery.objects.update(next_attempt_at=Delivery.objects.first().created_at)
    assert send_due() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
