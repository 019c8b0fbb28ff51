"""Reading and submitting the reader pages' forms as a browser would (HTTP tests of sign-up,
following and the preference centre)."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag as Element
from django.test import Client

from depesche.audience.models import ConsentRecord, OptInRequest, Subscriber, Subscription

HOST = "http://testserver"
THANKS = "/newsletter/danke/"
CONFIRM_LINK = r"http://testserver(/newsletter/bestaetigen/[^/\s]+/)"
PREFS_LINK = r"http://testserver(/abo/link/[^/\s]+/)"


def html(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def main_of(response: Any) -> Element:
    """The page's <main>: the newsletter dialog (on every page) lives outside it."""
    main = html(response).find("main")
    assert isinstance(main, Element)
    return main


def dialog_form(response: Any) -> Element:
    dialog = html(response).find(id="newsletter-dialog")
    assert isinstance(dialog, Element), "newsletter dialog missing"
    email = dialog.find("input", attrs={"name": "email"})
    assert isinstance(email, Element)
    form = email.find_parent("form")
    assert isinstance(form, Element)
    return form


def form_with(root: Element, name: str) -> Element:
    """The form in `root` that has a field called `name`."""
    field = root.find(["input", "select"], attrs={"name": name})
    assert isinstance(field, Element), f"no field {name!r}"
    form = field.find_parent("form")
    assert isinstance(form, Element)
    return form


def submit(form: Element, **typed: str | None) -> dict[str, str]:
    """What a browser sends for `form` as rendered, changed by what the reader typed or
    ticked (None: unticked)."""
    data: dict[str, str] = {}
    for field in form.find_all(["input", "select"]):
        kind = field.get("type", "text")
        if not field.get("name") or kind in {"submit", "button"}:
            continue
        if kind in {"checkbox", "radio"} and not field.has_attr("checked"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[field["name"]] = chosen.get("value", "") if chosen else ""
        else:
            data[field["name"]] = field.get("value", "on" if kind == "checkbox" else "")
    for name, value in typed.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def csrf_of(response: Any) -> str:
    field = html(response).find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert isinstance(field, Element), "no CSRF token on the page"
    return str(field["value"])


def post(client: Client, capture: Any, path: str, data: dict[str, str], **extra: Any) -> Any:
    """POST and run what the request scheduled on commit (sending mail) right away."""
    with capture(execute=True):
        return client.post(path, data, **extra)


def written() -> tuple[int, int, int, int]:
    return (
        Subscriber.objects.count(),
        ConsentRecord.objects.count(),
        OptInRequest.objects.count(),
        Subscription.objects.count(),
    )


def link_in(mail: Any, pattern: str) -> str:
    found = re.search(pattern, mail.body())
    assert found, mail.body()
    return found.group(1)


def confirm_mails(smtp_mails: Any, email: str) -> list[Any]:
    return [m for m in smtp_mails.to(email) if "bestätigen Sie Ihre Anmeldung" in m.subject]


def sign_up(client: Client, capture: Any, email: str, **extra: Any) -> Any:
    """Fill in and send the form on /newsletter/ as a reader would."""
    page = client.get("/newsletter/")
    data = submit(form_with(main_of(page), "consent"), email=email, consent="on")
    return post(client, capture, "/newsletter/", data, **extra)


def confirmed_reader(
    client: Client, smtp_mails: Any, capture: Any, email: str = "leserin@example.org"
) -> Subscriber:
    """Sign up for the Wochenrückblick and confirm: the reader is then recognised on `client`."""
    assert sign_up(client, capture, email)["Location"] == THANKS
    path = link_in(confirm_mails(smtp_mails, email)[-1], CONFIRM_LINK)
    response = post(client, capture, path, {})
    assert response.status_code == 200
    return Subscriber.objects.get(email=email)


def ledger(email: str | None = None) -> list[tuple[str, str, str]]:
    records = ConsentRecord.objects.order_by("pk")
    if email is not None:
        records = records.filter(email=email)
    return list(records.values_list("action", "purpose", "source"))


def field_error(root: Element, name: str) -> str:
    """The error shown for field `name`, which must be tied to it by aria-describedby."""
    field = root.find("input", attrs={"name": name})
    assert isinstance(field, Element)
    assert field.get("aria-invalid") == "true"
    error = root.find(id=field["aria-describedby"])
    assert isinstance(error, Element), "aria-describedby points nowhere"
    return error.get_text(" ", strip=True)


def assert_accessible(response: Any) -> None:
    """One h1; every visible field labelled; ids unique; aria references resolve."""
    page = html(response)
    assert len(page.find_all("h1")) == 1
    ids = [element["id"] for element in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for field in page.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit", "button"}:
            continue
        labelled = field.find_parent("label") is not None or (
            field.get("id") and page.find("label", attrs={"for": field["id"]}) is not None
        )
        assert labelled, f"unlabelled field {field}"
    for element in page.find_all(attrs={"aria-describedby": True}):
        for ref in element["aria-describedby"].split():
            assert page.find(id=ref) is not None, ref
