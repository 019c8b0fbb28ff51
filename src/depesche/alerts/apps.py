from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Tag alerts: the fan-out when an article goes live, instant alerts and the daily and
    weekly bundles, the "Versand" admin views. Sends through the delivery engine."""

    name = "depesche.alerts"
    label = "alerts"
    verbose_name = _("Themen-Benachrichtigungen")

    def ready(self) -> None:
        from depesche.alerts import receivers
        from depesche.alerts.kinds import ALERTS
        from depesche.alerts.push import PUSH
        from depesche.alerts.selectors import deliveries_for_export
        from depesche.audience.erasure import export_section_register
        from depesche.delivery.kinds import register, register_push

        receivers.connect()
        register(ALERTS)
        register_push(PUSH)
        export_section_register("deliveries", deliveries_for_export)
