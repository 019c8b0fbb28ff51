import logging

from django.conf import settings
from django_tasks import task

from depesche.audio.selectors import article_ids_saying
from depesche.audio.services import article_audio_build

logger = logging.getLogger(__name__)


# Below the default priority: a reader's confirmation mail or an alert fan-out never waits
# behind a queue of articles being read aloud.
@task(priority=-20)
def article_audio_task(article_id: int, force: bool = False) -> str:
    audio = article_audio_build(article_id=article_id, force=force)
    return audio.status if audio is not None else "not live"


@task(priority=-20)
def pronunciation_audio_task(written_forms: list[str]) -> int:
    """A pronunciation entry changed: queue the audio of every public article that says one
    of `written_forms` (selectors.article_ids_saying); how many were queued.

    Each article is its own article_audio_task, without force: the audio fingerprint holds
    the entries that apply, so an article whose reading did not change is not synthesised,
    and running this twice makes no audio twice. Queued here, not through scheduling.py,
    which imports this module (scheduling.pronunciation_changed queues this task).
    """
    if not settings.ARTICLE_AUDIO:
        return 0
    article_ids = article_ids_saying(written_forms=written_forms)
    for article_id in article_ids:
        article_audio_task.enqueue(article_id=article_id)
    logger.info(
        "pronunciation of %s changed: audio of %d articles queued",
        ", ".join(written_forms),
        len(article_ids),
    )
    return len(article_ids)
