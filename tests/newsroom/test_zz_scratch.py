import json
from depesche.newsroom.importing import import_files, article_import
from depesche.newsroom.ninjs import parse_record
from depesche.newsroom.models import ArticlePage
from wagtail.models import Revision

def rec(**kw):
    r = {"guid": "g1", "headline": "Gleicher Titel", "description_text": "Teaser", "section": "Politik",
         "body_html": "<p>Hallo</p>", "firstcreated": "2024-05-01T10:00:00+02:00", "versioncreated": "2024-05-01T10:00:00+02:00"}
    r.update(kw); return r

def test_x(site_tree, tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([rec(), rec(guid="g2", section="Wirtschaft"),
        rec(guid="g3", subject=[{"name": "Energie"}, {"name": "energie"}, {"name": "A  B"}, {"name": "A  B"}])]))
    r = import_files([p]); print(r)
    a = ArticlePage.objects.get(source_guid="g1")
    print(a.section_id, a.slug, a.first_published_at, a.updated_at, a.last_published_at, a.live_revision_id)
    print(list(ArticlePage.objects.get(source_guid="g3").tags.values_list("name", flat=True)))
    n = Revision.objects.count()
    p.write_text(json.dumps([rec(section="Wirtschaft", versioncreated="2024-05-02T10:00:00+02:00")]))
    r = import_files([p]); print(r, Revision.objects.count() - n)
    a = ArticlePage.objects.get(source_guid="g1")
    print(a.section_id, a.get_parent().title, a.slug)
