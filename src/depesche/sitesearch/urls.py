from django.urls import path

from depesche.sitesearch import views

app_name = "sitesearch"
urlpatterns = [path("suche/", views.search, name="search")]
