from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """The outbox engine. Feature apps register their kinds of mail (delivery/kinds.py) in their
    own `ready()`; this app knows none of them."""

    name = "depesche.delivery"
    label = "delivery"
    verbose_name = _("Versand")

    def ready(self) -> None:
        from depesche.delivery import webhooks

        webhooks.connect()
