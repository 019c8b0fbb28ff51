from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "depesche.delivery"
    label = "delivery"
    verbose_name = _("Versand")

    def ready(self) -> None:
        from depesche.audience.erasure import export_section_register
        from depesche.delivery import receivers, webhooks
        from depesche.delivery.selectors import deliveries_for_export

        receivers.connect()
        webhooks.connect()
        export_section_register("deliveries", deliveries_for_export)
