from django.urls import path

from depesche.wire import views

urlpatterns = [path("wire/<slug:slug>/", views.push, name="wire-push")]
