from django.urls import path

from depesche.distribution import feeds, views

app_name = "distribution"

urlpatterns = [
    path("feeds/rss.xml", feeds.LatestFeed(), name="latest-rss"),
    path("feeds/atom.xml", feeds.LatestAtomFeed(), name="latest-atom"),
    path("feeds/ressort/<slug:slug>/rss.xml", feeds.SectionFeed(), name="section-rss"),
    path("feeds/ressort/<slug:slug>/atom.xml", feeds.SectionAtomFeed(), name="section-atom"),
    path("feeds/thema/<str:slug>/rss.xml", feeds.TagFeed(), name="tag-rss"),
    path("feeds/thema/<str:slug>/atom.xml", feeds.TagAtomFeed(), name="tag-atom"),
    path("feeds/autor/<slug:slug>/rss.xml", feeds.AuthorFeed(), name="author-rss"),
    path("feeds/autor/<slug:slug>/atom.xml", feeds.AuthorAtomFeed(), name="author-atom"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("sitemap-news.xml", views.news_sitemap, name="sitemap-news"),
    # The files of the sitemap index (only past SITEMAP_MAX_URLS), e.g. sitemap-articles.xml?p=2.
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
