from tests.factories import publish_article


def test_article_page_renders(client, site_tree):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()
