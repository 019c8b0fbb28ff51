"""The project's URLs plus what the browser tests need and the test settings leave out.

`depesche.site.urls` decides at import whether the mail catcher's `/_mail/` exists (off in
the test settings). The browser tests turn the mail catcher on per test, so they route it here;
everything else, media from the `MEDIA_ROOT` of the moment included, is the project's own URL
configuration.
"""

from __future__ import annotations

from django.urls import path

from depesche.demo import views as demo_views
from depesche.site import urls as project

urlpatterns = [
    path("_mail/", demo_views.inbox, name="mail-inbox"),
    path("_mail/<str:mail_id>/", demo_views.message, name="mail-message"),
    *project.urlpatterns,
]

handler404 = project.handler404
handler500 = project.handler500
