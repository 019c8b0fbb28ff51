from django_tasks import task

from depesche.alerts.services import deliveries_enqueue_for_article


@task()
def alerts_fanout_task(article_id: int) -> int:
    return deliveries_enqueue_for_article(article_id=article_id)
