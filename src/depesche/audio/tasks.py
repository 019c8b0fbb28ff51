from django_tasks import task

from depesche.audio.services import article_audio_build


@task()
def article_audio_task(article_id: int, force: bool = False) -> str:
    audio = article_audio_build(article_id=article_id, force=force)
    return audio.status if audio is not None else "not live"
