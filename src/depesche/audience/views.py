"""Readers' pages: sign-up, confirmation, tag follows, preference center, one-click unsubscribe."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from taggit.models import Tag

from depesche.audience import erasure, ledger, links, mails, signup, subscriptions
from depesche.audience.forms import EmailOnlyForm, FollowSignupForm, SignupForm
from depesche.audience.models import AuthorFollow, Subscriber, TagFollow, TextVersion
from depesche.audience.selectors import READER_COOKIE, optin_is_open, reader_from_request
from depesche.audience.texts import ShownTexts, form_initial, shown_texts, version_by_hash
from depesche.core import ratelimit
from depesche.core.csrf import csrf_origin_protect
from depesche.core.net import client_network, user_agent
from depesche.core.tokens import TokenExpired, TokenInvalid, read_token
from depesche.newsroom.models import Author
from depesche.newsroom.selectors import author_public, tag_public


def _visit(request: HttpRequest, source: str) -> ledger.Visit:
    return ledger.Visit(source=source, ip=client_network(request), user_agent=user_agent(request))


def _rate_limited(request: HttpRequest, email: str | None) -> bool:
    over_ip = ratelimit.hit("signup-ip", client_network(request) or "?", settings.RATE_SIGNUP_IP)
    over_address = bool(email) and ratelimit.hit(
        "signup-address", ledger.email_normalise(email or ""), settings.RATE_SIGNUP_ADDRESS
    )
    return over_ip or over_address


def _remember_reader(response: HttpResponse, request: HttpRequest, subscriber: Subscriber) -> None:
    response.set_cookie(
        READER_COOKIE,
        links.reader_token_for(subscriber, links.READER),
        max_age=settings.READER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _token_error(
    request: HttpRequest, exc: Exception, status: int = 400, *, new_link: bool = False
) -> HttpResponse:
    """A friendly refusal; `new_link` puts the form for a fresh preference link on it."""
    if isinstance(exc, TokenExpired):
        reason = _("Dieser Link ist abgelaufen.")
    elif isinstance(exc, signup.OptInAlreadyUsed):
        reason = _("Dieser Link wurde bereits verwendet.")
    else:
        reason = _("Dieser Link ist ungültig oder unvollständig.")
    context: dict[str, Any] = {"reason": reason}
    if new_link:
        context["form"] = EmailOnlyForm()
    return render(request, "audience/token_error.html", context, status=status)


def _signup(
    request: HttpRequest,
    form: SignupForm,
    texts: ShownTexts,
    *,
    weekly: bool,
    tag: Tag | None,
    author: Author | None,
    source: str,
) -> bool:
    """Validate and record a sign-up; False leaves errors on the form."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if data["website"]:
        return True  # a script filled the honeypot: answer as usual, do nothing
    signup.signup_request(
        email=data["email"],
        weekly=weekly,
        tag=tag,
        author=author,
        frequency=data.get("frequency") or TagFollow.Frequency.INSTANT,
        consent=data["consent"],
        consent_text=version_by_hash(
            TextVersion.Kind.CONSENT, data["consent_version"], texts.consent
        )
        or texts.consent,
        privacy_text=version_by_hash(
            TextVersion.Kind.PRIVACY, data["privacy_version"], texts.privacy
        ),
        terms_text=version_by_hash(TextVersion.Kind.TERMS, data["terms_version"], texts.terms)
        if data["terms"] and texts.settings.ask_terms
        else None,
        visit=_visit(request, source),
    )
    return True


def _signup_page(
    request: HttpRequest,
    form_class: type[SignupForm],
    template: str,
    *,
    tag: Tag | None,
    source: str,
    context: dict[str, Any] | None = None,
    author: Author | None = None,
) -> HttpResponse:
    """GET shows the form; POST records the sign-up and redirects, or shows what is wrong.
    Without a tag or an author, the sign-up is for the Wochenrückblick."""
    topic = tag is not None or author is not None
    texts = shown_texts(follow=topic, author=author is not None)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if _rate_limited(request, request.POST.get("email")):
            form.is_valid()
            form.add_error(None, _("Zu viele Anmeldeversuche. Bitte versuchen Sie es später."))
            status = 429
        elif _signup(request, form, texts, weekly=not topic, tag=tag, author=author, source=source):
            return redirect("audience:thanks")
        else:
            status = 400
    else:
        form = form_class(initial=form_initial(texts))
    context = {**(context or {}), "form": form, "texts": texts}
    return render(request, template, context, status=status)


# The dialog shows this form on every cached page, so it carries no CSRF token: the browser's
# Origin header proves the POST comes from our page (core/csrf.py).
@csrf_origin_protect
@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    source = "modal" if request.POST.get("via") == "modal" else "newsletter-seite"
    return _signup_page(request, SignupForm, "audience/newsletter.html", tag=None, source=source)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "audience/thanks.html")


@never_cache  # personal: names the reader after the POST, and sets the reader cookie
@csrf_origin_protect  # the button on the page the mail link opens
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: link scanners in mail systems fetch links, people click.
    if request.method == "GET":
        try:
            nonce = read_token("optin", token, max_age=int(mails.OPTIN_MAX_AGE.total_seconds()))
        except TokenInvalid as exc:
            return _token_error(request, exc)
        if not optin_is_open(nonce=str(nonce)):
            return _token_error(request, signup.OptInAlreadyUsed())
        return render(request, "audience/confirm.html", {"token": token})
    try:
        subscriber = signup.optin_confirm(token=token, visit=_visit(request, "bestaetigung"))
    except (TokenInvalid, signup.OptInAlreadyUsed) as exc:
        return _token_error(request, exc)
    response = render(request, "audience/confirmed.html", {"subscriber": subscriber})
    _remember_reader(response, request, subscriber)
    return response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _public_tag(slug: str) -> Tag:
    # A tag only drafts or restricted articles use answers as an unknown one (the gate).
    tag = tag_public(slug=slug)
    if tag is None:
        raise Http404("unknown tag")
    return tag


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """[+] for a recognised reader: one POST (with CSRF) follows the tag."""
    tag = _public_tag(slug)
    return _follow_at_once(
        request,
        partial(subscriptions.follow_tag, tag=tag),
        signup_url=reverse("audience:follow-signup", args=[tag.slug]),
        author=False,
        source="thema-folgen",
        done=_("Sie folgen jetzt „%(tag)s“.") % {"tag": tag.name},
        back=reverse("tag", args=[tag.slug]),
    )


def _follow_at_once(
    request: HttpRequest,
    follow_topic: Callable[..., object],
    *,
    signup_url: str,
    author: bool,
    source: str,
    done: str,
    back: str,
) -> HttpResponse:
    """The one-click follow of a tag or an author (`follow_topic`) by a recognised reader with a
    confirmed address, consenting to the text the follow form shows; anyone else goes to the
    sign-up form (double opt-in)."""
    reader = reader_from_request(request)
    if reader is None:
        return redirect(signup_url)
    texts = shown_texts(follow=True, author=author)
    try:
        follow_topic(
            subscriber=reader,
            consent_text=texts.consent,
            privacy_text=texts.privacy,
            visit=_visit(request, source),
        )
    except subscriptions.NotConfirmed:
        return redirect(signup_url)
    messages.success(request, done)
    return HttpResponseRedirect(_safe_next(request, back))


@csrf_origin_protect  # the [+] sign-up form on cached pages, like the dialog
@require_http_methods(["GET", "POST"])
def follow_signup(request: HttpRequest, slug: str) -> HttpResponse:
    """[+] for a reader we do not know: email and consent, then a double opt-in mail."""
    tag = _public_tag(slug)
    return _signup_page(
        request,
        FollowSignupForm,
        "audience/follow_signup.html",
        tag=tag,
        source="thema-folgen",
        # Beside email: "Im Browser benachrichtigen" (push.js) subscribes with our VAPID key.
        context={"tag": tag, "vapid_public_key": settings.VAPID_PUBLIC_KEY},
    )


def _public_author(slug: str) -> Author:
    # An author whose articles are all drafts or restricted answers as an unknown one (the gate).
    author = author_public(slug=slug)
    if author is None:
        raise Http404("unknown author")
    return author


@require_POST
def follow_author(request: HttpRequest, slug: str) -> HttpResponse:
    """[+] on an author page for a recognised reader: one POST (with CSRF) follows the
    author."""
    author = _public_author(slug)
    return _follow_at_once(
        request,
        partial(subscriptions.follow_author, author=author),
        signup_url=reverse("audience:follow-author-signup", args=[author.slug]),
        author=True,
        source="autor-folgen",
        done=_("Sie folgen jetzt %(author)s.") % {"author": author.name},
        back=reverse("author", args=[author.slug]),
    )


@csrf_origin_protect  # the [+] sign-up form on cached pages, like the dialog
@require_http_methods(["GET", "POST"])
def follow_author_signup(request: HttpRequest, slug: str) -> HttpResponse:
    """[+] on an author page for a reader we do not know: email and consent, then a double
    opt-in mail."""
    author = _public_author(slug)
    return _signup_page(
        request,
        FollowSignupForm,
        "audience/follow_author_signup.html",
        tag=None,
        author=author,
        source="autor-folgen",
        context={"author": author, "vapid_public_key": settings.VAPID_PUBLIC_KEY},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    reader = reader_from_request(request)
    if reader is None:
        return _preference_link_form(request)
    context = {
        "reader": reader,
        "follows": reader.follows.select_related("tag").order_by("tag__name"),
        "author_follows": reader.author_follows.select_related("author").order_by("author__name"),
        "weekly": reader.subscriptions.filter(purpose=links.WEEKLY_LIST, active=True).exists(),
        "breaking": reader.subscriptions.filter(purpose=links.BREAKING_LIST, active=True).exists(),
        "frequencies": TagFollow.Frequency.choices,
        # "weekly_on" records this consent text in the ledger, so the page must show it.
        "texts": shown_texts(),
    }
    return render(request, "audience/preferences.html", context)


def _preference_link_form(request: HttpRequest) -> HttpResponse:
    status = 200
    sent = False
    if request.method == "POST":
        form = EmailOnlyForm(request.POST)
        if _rate_limited(request, request.POST.get("email")):
            form.is_valid()
            form.add_error(None, _("Zu viele Versuche. Bitte versuchen Sie es später."))
            status = 429
        elif form.is_valid():
            if not form.cleaned_data["website"]:
                signup.preference_link_request(email=form.cleaned_data["email"])
            sent = True
        else:
            status = 400
    else:
        form = EmailOnlyForm()
    context = {"form": form, "sent": sent}
    return render(request, "audience/preference_request.html", context, status=status)


@never_cache
def preference_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in every email (valid 30 days): recognises the reader on this browser."""
    try:
        subscriber = links.reader_from_token(token=token)
    except TokenInvalid as exc:
        return _token_error(request, exc, new_link=True)
    response = redirect("audience:preferences")
    _remember_reader(response, request, subscriber)
    return response


def _frequency_change(
    request: HttpRequest,
    reader: Subscriber,
    change: Callable[..., object],
    *,
    missing: type[Exception],
    not_followed: str,
) -> None:
    """The preference center's frequency of one follow (a tag's or an author's), told back to
    the reader as a message."""
    frequency = request.POST.get("frequency", "")
    if frequency not in TagFollow.Frequency.values:
        messages.error(request, _("Unbekannte Häufigkeit."))
        return
    try:
        change(subscriber=reader, follow_id=_int(request.POST.get("follow")), frequency=frequency)
    except missing:
        messages.error(request, not_followed)
        return
    messages.success(request, _("Häufigkeit gespeichert."))


@never_cache
@require_POST
def preference_update(request: HttpRequest) -> HttpResponse:
    reader = reader_from_request(request)
    if reader is None:
        return redirect("audience:preferences")
    action = request.POST.get("action", "")
    visit = _visit(request, "praeferenzen")
    if action == "frequency":
        _frequency_change(
            request,
            reader,
            subscriptions.follow_frequency_set,
            missing=TagFollow.DoesNotExist,
            not_followed=_("Dieses Thema folgen Sie nicht."),
        )
    elif action == "unfollow":
        tag = Tag.objects.filter(pk=_int(request.POST.get("tag"))).first()
        if tag is not None and subscriptions.follow_end(subscriber=reader, tag=tag, visit=visit):
            messages.success(request, _("Sie folgen „%(tag)s“ nicht mehr.") % {"tag": tag.name})
        else:
            messages.error(request, _("Dieses Thema folgen Sie nicht."))
    elif action == "author_frequency":
        _frequency_change(
            request,
            reader,
            subscriptions.author_follow_frequency_set,
            missing=AuthorFollow.DoesNotExist,
            not_followed=_("Dieser Autorin oder diesem Autor folgen Sie nicht."),
        )
    elif action == "author_unfollow":
        author = Author.objects.filter(pk=_int(request.POST.get("author"))).first()
        if author is not None and subscriptions.author_follow_end(
            subscriber=reader, author=author, visit=visit
        ):
            messages.success(
                request, _("Sie folgen %(author)s nicht mehr.") % {"author": author.name}
            )
        else:
            messages.error(request, _("Dieser Autorin oder diesem Autor folgen Sie nicht."))
    elif action in {"weekly_on", "weekly_off"}:
        texts = shown_texts()
        try:
            subscriptions.weekly_set(
                subscriber=reader,
                on=action == "weekly_on",
                visit=visit,
                consent_text=texts.consent,
                privacy_text=texts.privacy,
            )
            messages.success(request, _("Wochenrückblick-Einstellung gespeichert."))
        except subscriptions.NotConfirmed:
            messages.error(request, _("Bitte melden Sie sich über das Formular neu an."))
    elif action in {"breaking_on", "breaking_off"}:
        texts = shown_texts()
        try:
            subscriptions.breaking_set(
                subscriber=reader,
                on=action == "breaking_on",
                visit=visit,
                consent_text=texts.consent,
                privacy_text=texts.privacy,
            )
            messages.success(request, _("Eilmeldungen-Einstellung gespeichert."))
        except subscriptions.NotConfirmed:
            messages.error(request, _("Bitte melden Sie sich über das Formular neu an."))
    elif action == "unsubscribe_all":
        subscriptions.unsubscribe_all(subscriber=reader, visit=visit)
        messages.success(request, _("Sie sind von allen E-Mails abgemeldet."))
    elif action == "erase":
        if request.POST.get("confirm_erase") != "1":
            messages.error(request, _("Bitte bestätigen Sie das Löschen mit dem Häkchen."))
        else:
            erasure.subscriber_erase(subscriber=reader)
            response = render(request, "audience/erased.html")
            response.delete_cookie(READER_COOKIE)
            return response
    elif action == "forget":
        # Revokes this cookie, the reader's cookies elsewhere and every preference link mailed
        # so far: a copied cookie or a forwarded mail no longer opens the page.
        erasure.reader_tokens_revoke(subscriber=reader)
        response = redirect("audience:preferences")
        response.delete_cookie(READER_COOKIE)
        return response
    else:
        messages.error(request, _("Unbekannte Aktion."))
    return redirect("audience:preferences")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@never_cache
def data_export(request: HttpRequest) -> HttpResponse:
    reader = reader_from_request(request)
    if reader is None:
        raise Http404("no reader recognised on this browser")
    data = erasure.subscriber_export(subscriber=reader)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="depesche-meine-daten.json"'
    return response


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without cookies or CSRF token.
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    """Never expires, however old the mail (audience/links.py)."""
    try:
        target = links.unsubscribe_target(token=token)
    except TokenInvalid as exc:
        return _token_error(request, exc)
    list_id = target.list_id
    context = {"lists": links.list_parse(list_id)}
    if request.method == "GET":
        return render(request, "audience/unsubscribe.html", {"token": token, **context})
    if target.subscriber is not None:
        subscriptions.list_unsubscribe(
            subscriber=target.subscriber, list_id=list_id, visit=_visit(request, "one-click")
        )
    return render(request, "audience/unsubscribed.html", context)
