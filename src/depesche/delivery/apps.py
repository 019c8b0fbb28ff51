from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "depesche.delivery"
    label = "delivery"
    verbose_name = _("Versand")

    def ready(self) -> None:
        from depesche.delivery import receivers

        receivers.connect()
