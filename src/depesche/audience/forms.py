from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from depesche.audience.ledger import email_normalise
from depesche.audience.models import TagFollow


class EmailField(forms.CharField):
    """An address as a person types it: trimmed, one line, at most 254 characters."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("E-Mail"))
        kwargs.setdefault("max_length", 254)
        super().__init__(strip=False, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: str | None) -> str:
        if value and ("\r" in value or "\n" in value):
            raise ValidationError(_("Die E-Mail-Adresse darf keinen Zeilenumbruch enthalten."))
        value = super().clean((value or "").strip())
        validate_email_address(value)
        return email_normalise(value)


def validate_email_address(value: str) -> None:
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError(_("Bitte geben Sie eine gültige E-Mail-Adresse ein.")) from exc


class SignupForm(forms.Form):
    email = EmailField(
        error_messages={"required": _("Bitte geben Sie Ihre E-Mail-Adresse ein.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Ohne Ihre Einwilligung können wir Ihnen nichts senden.")},
    )
    terms = forms.BooleanField(required=False)
    # Honeypot: hidden from people, filled in by form-spamming scripts.
    website = forms.CharField(required=False, max_length=200)
    consent_version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    privacy_version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    terms_version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class FollowSignupForm(SignupForm):
    frequency = forms.ChoiceField(
        label=_("Wie oft?"),
        choices=TagFollow.Frequency.choices,
        initial=TagFollow.Frequency.INSTANT,
        widget=forms.RadioSelect,
    )


class EmailOnlyForm(forms.Form):
    email = EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}))
    website = forms.CharField(required=False, max_length=200)
