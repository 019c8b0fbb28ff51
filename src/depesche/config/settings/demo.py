"""`depesche demo`: production settings plus the local mail catcher at /_mail/."""

from depesche.config.settings.production import *  # noqa: F403

MAIL_CATCHER = True
