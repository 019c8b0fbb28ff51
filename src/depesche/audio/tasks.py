from django_tasks import task

from depesche.audio.services import article_audio_build


# Below the default priority: a reader's confirmation mail or an alert fan-out never waits
# behind a queue of articles being read aloud.
@task(priority=-20)
def article_audio_task(article_id: int, force: bool = False) -> str:
    audio = article_audio_build(article_id=article_id, force=force)
    return audio.status if audio is not None else "not live"
