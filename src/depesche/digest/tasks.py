from django.conf import settings
from django_tasks import task

from depesche.digest.publishing import digest_publish


@task()
def digest_publish_task(digest_id: int) -> int:
    """Podcast and email of an approved Wochenrückblick (in the background: synthesis takes
    seconds)."""
    return digest_publish(digest_id=digest_id, site_name=settings.SITE_NAME)
