"""The kind of mail this app sends through the engine: instant tag alerts ("sofort").

Daily and weekly alerts are rows of the same outbox, collected into bundles at their slot
(alerts/bundles.py, its own worker loop); the instant workers send only the "sofort" rows.
Registered in AlertsConfig.ready().
"""

from __future__ import annotations

from depesche.alerts.models import Delivery
from depesche.alerts.rendering import prepared_alert
from depesche.alerts.services import fanouts_resume
from depesche.audience.models import TagFollow
from depesche.delivery.kinds import MailKind

ALERTS = MailKind(
    name="alerts",
    model=Delivery,
    key="article",
    prepare=prepared_alert,
    due={"kind": TagFollow.Frequency.INSTANT},
    tagged=True,
    # A fan-out whose worker died is finished by the next worker round.
    each_round=fanouts_resume,
)
