"""Web Push in Chromium: /sw.js registers at the root, "Im Browser benachrichtigen" posts the
browser's subscription, /push/ lists and ends what the browser follows.

Chromium here cannot reach a real push service (no network, and headless Chromium has none
configured), so `pushManager.subscribe` is the one piece replaced: it answers with a
subscription whose endpoint is the test's push service on loopback and whose keys the test
holds. Everything after that is real: our page script, the JSON it posts, the service worker,
and, once an article is published, the encrypted request the test decrypts with those keys.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import dialog_already_seen
from tests.factories import publish_article
from tests.support.pushservice import Browser

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FAKE_SUBSCRIBE = """
(() => {
  const subscription = %s;
  // A browser keeps its subscription across pages: kept in localStorage here.
  const KEY = "test.push.subscribed";
  const fake = {
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  };
  PushManager.prototype.subscribe = async function (options) {
    window.__subscribedWithKey = options && options.applicationServerKey
      ? Array.from(new Uint8Array(options.applicationServerKey)) : null;
    localStorage.setItem(KEY, "1");
    return fake;
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem(KEY) ? fake : null;
  };
})();
"""


def test_a_reader_follows_a_topic_in_the_browser_and_ends_it(
    page, site, site_tree, push_service, settings
):
    from depesche.alerts.models import PushDelivery
    from depesche.alerts.push import PUSH
    from depesche.audience.models import PushSubscription
    from depesche.config.vapid import b64url_decode
    from depesche.delivery.push_sending import push_send_due

    dialog_already_seen(page)
    publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])
    browser = Browser(push_service)
    page.context.grant_permissions(["notifications"], origin=site)
    page.context.add_init_script(FAKE_SUBSCRIBE % json.dumps(browser.subscription()))

    page.goto("/abo/folgen/energie/anmelden/")
    offer = page.locator(".push-offer")
    expect(offer).to_be_visible()  # push.js found service workers and the Push API
    offer.get_by_role("button", name="Im Browser benachrichtigen").click()
    expect(offer.get_by_role("status")).to_have_text(
        "Erledigt: Dieser Browser meldet neue Artikel zu diesem Thema."
    )
    # The service worker is registered for the whole site, from /sw.js.
    registration = page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.getRegistration("/");
            const worker = reg.active || reg.waiting || reg.installing;
            return {scope: reg.scope, script: worker.scriptURL};
        }"""
    )
    assert registration == {"scope": f"{site}/", "script": f"{site}/sw.js"}
    # It subscribed with our VAPID key, and posted the subscription with the topic.
    key = page.evaluate("window.__subscribedWithKey")
    assert bytes(key) == b64url_decode(settings.VAPID_PUBLIC_KEY)
    stored = PushSubscription.objects.get()
    assert stored.endpoint == browser.endpoint
    assert list(stored.topics.values_list("tag__slug", flat=True)) == ["energie"]

    # A new article on the topic reaches this browser's push service, readable only with its keys.
    article = publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])
    from depesche.alerts.push import push_enqueue_for_article

    push_enqueue_for_article(article_id=article.pk)
    assert push_send_due(kind=PUSH) == 1
    assert browser.decrypt(push_service.received[0].body)["url"] == f"{site}{article.url}"

    page.goto("/push/")
    manage = page.locator("[data-push-manage]")
    expect(manage.get_by_role("listitem")).to_have_text(["thema:energie Beenden"])
    manage.get_by_role("button", name="Beenden").click()
    expect(manage.get_by_role("status")).to_have_text("Dieser Browser folgt keinem Thema.")
    # The last topic gone, the page also ended the browser's subscription.
    assert page.evaluate("localStorage.getItem('test.push.subscribed')") is None
    assert not PushSubscription.objects.exists()
    assert PushDelivery.objects.get().subscription_id is None  # the record stays
