from ninja import NinjaAPI

from depesche.api.index import add_index
from depesche.api.views import router

api = NinjaAPI(
    title="Depesche API",
    version="1",
    description=(
        "Read-only JSON API of the published articles, sections (Ressorts), tags and the "
        "most-read list (Meistgelesen). "
        "Responses carry ETag and Last-Modified; send If-None-Match or If-Modified-Since to "
        "get 304 Not Modified."
    ),
    urls_namespace="api",
)
add_index(api)
api.add_router("/", router)
api_urls = api.urls
