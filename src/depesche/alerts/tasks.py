from django_tasks import task

from depesche.alerts.push import push_enqueue_for_article
from depesche.alerts.services import deliveries_enqueue_for_article


@task()
def alerts_fanout_task(article_id: int) -> int:
    return deliveries_enqueue_for_article(article_id=article_id)


@task()
def push_fanout_task(article_id: int) -> int:
    return push_enqueue_for_article(article_id=article_id)
