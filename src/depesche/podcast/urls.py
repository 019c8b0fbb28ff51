from django.urls import path

from depesche.podcast import views

app_name = "podcast"

urlpatterns = [
    path("podcast/", views.index, name="index"),
    path("podcast/feed.xml", views.feed, name="feed"),
    path("podcast/<slug:slug>/", views.episode, name="episode"),
    path("podcast/<slug:slug>/kapitel.json", views.chapters, name="chapters"),
    path("podcast/<slug:slug>/transkript.vtt", views.transcript, name="transcript"),
]
