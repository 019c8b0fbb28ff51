"""Mails rendered once per article or digest; each recipient only fills a few placeholders.

Building a full `EmailMessage` per recipient costs milliseconds; substituting bytes in a MIME
message prepared once per article costs microseconds. Each kind of mail subclasses `Prepared`
(alerts/rendering.py, digest/mailing.py). Bodies are 8bit UTF-8 so placeholders
survive encoding; lines are kept under SMTP's 998-octet limit.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from depesche.audience.links import (
    list_unsubscribe_value,
    reader_token,
    unsubscribe_mailto_for_token,
    unsubscribe_token,
    unsubscribe_url_format,
)
from depesche.core.text import one_line

POLICY = SMTP.clone(cte_type="8bit", max_line_length=998)
MARK = "@@DEPESCHE-{}@@"
FIELDS = ("TO", "MSGID", "TAGS", "TAGSHTML", "PREFS", "UNSUB", "UNSUBMAIL")
BODY_FIELDS = ("TAGS", "TAGSHTML", "PREFS", "UNSUB")
COMMON_HEADERS = {
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Auto-Submitted": "auto-generated",
}


# Address headers are parsed when set, so their placeholders must look like addresses.
_ADDRESS_MARKS = {
    "TO": "x-depesche-to@x-depesche.invalid",
    "MSGID": "x-depesche-msgid@x-depesche.invalid",
}


class MessageRefused(ValueError):
    """One reader's message cannot be built from the data at hand; that message fails alone."""


def checked_address(email: str) -> str:
    """`email` if it can stand in the To header, which is filled in as raw bytes: a line
    break there would end the header and start another (or break the whole message)."""
    if "@" not in email or any(
        char.isspace() or char in "<>," or unicodedata.category(char) in ("Cc", "Zl", "Zp")
        for char in email
    ):
        # The address itself stays out of the error: errors are logged and shown in the admin.
        raise MessageRefused(
            "the address holds a line break, space or other character no mail header can carry"
        )
    return email


def _mark(name: str) -> str:
    return _ADDRESS_MARKS.get(name) or MARK.format(name)


def _wrap(text: str, width: int = 400) -> str:
    """Break lines longer than `width` characters at spaces: SMTP allows at most 998 octets a
    line, and a character takes up to 4 in UTF-8 (400 × 2 covers German text with room)."""
    lines = []
    for line in text.splitlines():
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            if cut <= 0:
                break
            lines.append(line[:cut])
            line = line[cut + 1 :]
        lines.append(line)
    return "\n".join(lines) + "\n"


def signed_message_id(label: str, material: str) -> str:
    """ "<label>.<24 hex of an HMAC of material>@<sender domain>": deterministic, so a resent
    copy is recognisably the same message. The label names no reader: who a message went to
    is only in the HMAC, which cannot be read back (96 bits: no two readers collide)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "depesche.invalid"
    tag = hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()
    return f"{label}.{tag[:24]}@{domain}"


def _link_format(name: str) -> str:
    url = settings.BASE_URL + reverse(name, args=["TOKEN"])
    head, _, tail = url.rpartition("TOKEN")
    return (
        head.replace("{", "{{").replace("}", "}}")
        + "{}"
        + tail.replace("{", "{{").replace("}", "}}")
    )


@dataclass
class Recipient:
    subscriber_id: int
    email: str
    matched_tags: str
    matched_slugs: str
    public_id: str  # links carry this, never subscriber_id (audience/links.py)
    token_version: int


class Prepared:
    """One message for many readers as MIME bytes with placeholders for the per-reader parts.

    Subclasses give the templates (`template_name`.txt and .html, e.g. "alerts/email/alert"),
    the template context, subject, Message-ID and unsubscribe list."""

    template_name = ""
    required: tuple[str, ...] = FIELDS

    def __init__(self, *, key: int, subject: str, context: dict[str, object]) -> None:
        self.key = key
        subject = one_line(subject)  # a headline may hold line breaks; a header cannot
        context = {
            "site_name": settings.SITE_NAME,
            "tags": _mark("TAGS"),
            "tags_html": _mark("TAGSHTML"),
            "preference_url": _mark("PREFS"),
            "unsubscribe_url": _mark("UNSUB"),
            **context,
        }
        message = EmailMessage(policy=POLICY)
        message["Subject"] = subject
        message["From"] = settings.DEFAULT_FROM_EMAIL
        message["To"] = _mark("TO")
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{_mark('MSGID')}>"
        self.unsub_mailto = settings.UNSUBSCRIBE_MAILTO
        message["List-Unsubscribe"] = self._list_unsubscribe(_mark("UNSUB"), _mark("UNSUBMAIL"))
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Auto-Submitted"] = "auto-generated"
        text = _wrap(render_to_string(f"{self.template_name}.txt", context))
        html = _wrap(render_to_string(f"{self.template_name}.html", context))
        message.set_content(text, cte="8bit")
        message.add_alternative(html, subtype="html", cte="8bit")
        self.subject, self.text, self.html = subject, text, html
        self.template = message.as_bytes()
        self.marks = {name: _mark(name).encode() for name in FIELDS}
        # Token links resolved once, with the token's place kept for str.format.
        self.prefs_url = _link_format("audience:preference-link")
        self.unsub_url = unsubscribe_url_format()
        for name in self.required:
            if name == "UNSUBMAIL" and not self.unsub_mailto:
                continue
            if _mark(name).encode() not in self.template:
                raise ValueError(f"placeholder {name} lost in the prepared message")

    def _list_unsubscribe(self, url: str, mailto: str) -> str:
        # mailto: only where mail to that address reaches us (settings.UNSUBSCRIBE_MAILTO).
        return list_unsubscribe_value(url, mailto if self.unsub_mailto else "")

    def message_id(self, recipient: Recipient) -> str:
        raise NotImplementedError

    def list_id(self, recipient: Recipient) -> str:
        raise NotImplementedError

    def values(self, recipient: Recipient) -> dict[str, str]:
        """The per-reader parts (URLs from prefixes resolved once, not from reverse(): this
        runs a million times for a big fan-out)."""
        token = unsubscribe_token(public_id=recipient.public_id, list_id=self.list_id(recipient))
        prefs = reader_token(public_id=recipient.public_id, token_version=recipient.token_version)
        values = {
            "TO": checked_address(recipient.email),
            "MSGID": self.message_id(recipient),
            "TAGS": recipient.matched_tags,
            "TAGSHTML": escape(recipient.matched_tags),
            "PREFS": self.prefs_url.format(prefs),
            "UNSUB": self.unsub_url.format(token),
        }
        if self.unsub_mailto:
            values["UNSUBMAIL"] = unsubscribe_mailto_for_token(token)
        return values

    def render(self, recipient: Recipient) -> bytes:
        """The finished message for one reader, in tens of microseconds."""
        data = self.template
        for name, value in self.values(recipient).items():
            data = data.replace(self.marks[name], value.encode())
        return data

    def headers(self, values: dict[str, str]) -> dict[str, str]:
        return {
            "Message-ID": f"<{values['MSGID']}>",
            "List-Unsubscribe": self._list_unsubscribe(
                values["UNSUB"], values.get("UNSUBMAIL", "")
            ),
        }

    def _fill(self, text: str, values: dict[str, str]) -> str:
        for name, value in values.items():
            text = text.replace(_mark(name), value)
        return text

    def as_email(self, recipient: Recipient) -> EmailMultiAlternatives:
        """The message for one reader as a Django email, for backends other than SMTP (an
        email service's API through anymail, the console) that build their own MIME."""
        values = self.values(recipient)
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self._fill(self.text, values),
            to=[recipient.email],
            headers={**self.headers(values), **COMMON_HEADERS},
        )
        message.attach_alternative(self._fill(self.html, values), "text/html")
        return message

    def as_batch(self, recipients: list[Recipient], field: str) -> EmailMultiAlternatives:
        """One API call for many readers: the service fills in each reader's parts from
        anymail's merge_data (body) and merge_headers, `field` being its merge-field syntax
        (Mailgun: "%recipient.{}%")."""
        merge_data, merge_headers = {}, {}
        for recipient in recipients:
            values = self.values(recipient)
            merge_data[recipient.email] = {
                name.lower(): value for name, value in values.items() if name in BODY_FIELDS
            }
            merge_headers[recipient.email] = self.headers(values)
        fields = {name: field.format(name.lower()) for name in BODY_FIELDS}
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self._fill(self.text, fields),
            to=[recipient.email for recipient in recipients],
            headers=dict(COMMON_HEADERS),
        )
        message.attach_alternative(self._fill(self.html, fields), "text/html")
        message.merge_data = merge_data  # type: ignore[attr-defined]
        message.merge_headers = merge_headers  # type: ignore[attr-defined]
        return message
