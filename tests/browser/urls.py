"""The project's URLs plus what the browser tests need and the test settings leave out.

`depesche.config.urls` decides at import whether the mail catcher's `/_mail/` exists (off in
the test settings) and serves media from the `MEDIA_ROOT` it saw then. The browser tests turn
the mail catcher on per test and keep media in a temporary folder, so they route both here,
reading the settings on each request; everything else is the project's own URL configuration.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import path, re_path
from django.views.static import serve

from depesche.config import urls as project
from depesche.demo import views as demo_views


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


urlpatterns = [
    path("_mail/", demo_views.inbox, name="mail-inbox"),
    path("_mail/<str:mail_id>/", demo_views.message, name="mail-message"),
    re_path(r"^media/(?P<path>.*)$", media),
    *project.urlpatterns,
]

handler404 = project.handler404
handler500 = project.handler500
