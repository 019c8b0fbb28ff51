from django.apps import AppConfig
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    name = "depesche.digest"
    label = "digest"
    verbose_name = _("Wochenrückblick")

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from depesche.delivery.kinds import register as register_mail_kind
        from depesche.digest.checks import summary_url_check
        from depesche.digest.mailing import DIGEST_MAILS
        from depesche.digest.models import Digest
        from depesche.digest.permissions import DigestPermissionPolicy

        # Before any admin view asks, or Wagtail creates its default policy for the model.
        register_permission_policy(Digest, DigestPermissionPolicy(Digest))
        register(summary_url_check, Tags.security)
        # The workers send the Wochenrückblick's outbox (after tag alerts, registered earlier).
        register_mail_kind(DIGEST_MAILS)
