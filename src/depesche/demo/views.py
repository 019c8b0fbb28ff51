"""`/_mail/`: the mail catcher's inbox in the browser (only when DEPESCHE_MAIL_CATCHER is on)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from depesche.demo.mailcatcher import mailbox

_ID = re.compile(r"^[0-9]+-[0-9a-f]{8}$")


def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/inbox.html", {"mails": mailbox(settings.MAIL_CATCHER_DIR)})


def message(request: HttpRequest, mail_id: str) -> HttpResponse:
    if not _ID.match(mail_id):
        raise Http404("unknown message")
    for mail in mailbox(settings.MAIL_CATCHER_DIR):
        if mail.id == mail_id:
            return render(request, "demo/message.html", {"mail": mail})
    raise Http404("unknown message")
