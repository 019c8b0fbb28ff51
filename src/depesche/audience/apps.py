from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    name = "depesche.audience"
    label = "audience"
    verbose_name = _("Leserinnen und Leser")

    def ready(self) -> None:
        from depesche.audience import receivers

        receivers.connect()
