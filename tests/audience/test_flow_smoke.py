import re

from depesche.audience.models import ConsentRecord, Subscriber, TagFollow
from tests.factories import publish_article


def _link(mail, pattern):
    return re.search(pattern, mail.body()).group(0)


def test_subscribe_confirm_follow_unsubscribe(
    client, site_tree, smtp_mails, django_capture_on_commit_callbacks
):
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    html = client.get(article.url).content.decode()
    assert 'id="newsletter-dialog"' in html and "[+]" in html
    version = re.search(r'name="consent_version" value="([0-9a-f]{64})"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletter/",
            {
                "email": " Leserin@Example.org ",
                "consent": "on",
                "consent_version": version,
                "via": "modal",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    mails = smtp_mails.wait(1)
    assert len(mails) == 1 and "leserin@example.org" in mails[0].to
    confirm = _link(mails[0], r"http://testserver/newsletter/bestaetigen/[^\s]+/")
    path = confirm.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 200
    sub = Subscriber.objects.get()
    assert sub.status == "active"
    assert list(ConsentRecord.objects.values_list("action", flat=True).order_by("pk")) == [
        "consent",
        "confirmation",
    ]
    welcome = smtp_mails.wait(2)[1]
    assert "List-Unsubscribe-Post" in welcome.message
    # recognised now: [+] is a POST form
    html = client.get(article.url).content.decode()
    assert 'action="/abo/folgen/energie/"' in html
    response = client.post("/abo/folgen/energie/", {"next": article.url})
    assert response.status_code == 302
    assert TagFollow.objects.filter(subscriber=sub, active=True).count() == 1
    assert "Sie folgen" in client.get(article.url).content.decode()
    prefs = client.get("/abo/").content.decode()
    assert "Energie" in prefs
    data = client.get("/abo/meine-daten.json")
    assert data.status_code == 200 and b"leserin@example.org" in data.content
    # one-click from the welcome mail's header
    url = re.search(r"<(http[^>]+)>", welcome.message["List-Unsubscribe"]).group(1)
    from django.test import Client

    response = Client().post(
        url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not sub.subscriptions.filter(active=True).exists()
    response = client.post("/abo/aendern/", {"action": "erase", "confirm_erase": "1"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
