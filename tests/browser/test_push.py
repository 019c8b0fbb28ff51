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


# Chromium does not fire `pushsubscriptionchange` (Firefox does), and an event the test
# dispatches is untrusted, so its waitUntil would throw: the test keeps the promise instead.
CHANGE_SUBSCRIPTION = """
async ([old, fresh]) => {
  PushManager.prototype.subscribe = async function (options) {
    self.__subscribedWithKey = Array.from(new Uint8Array(options.applicationServerKey));
    return { endpoint: fresh.endpoint, toJSON: () => fresh };
  };
  let pending = null;
  ExtendableEvent.prototype.waitUntil = function (promise) { pending = promise; };
  const event = new ExtendableEvent("pushsubscriptionchange");
  Object.defineProperty(event, "oldSubscription", { value: { toJSON: () => old } });
  Object.defineProperty(event, "newSubscription", { value: null });
  self.dispatchEvent(event);
  await pending;
  return self.__subscribedWithKey;
}
"""


def test_the_service_worker_moves_the_topics_to_a_renewed_subscription(
    page, site, site_tree, push_service, settings
):
    from depesche.audience.models import PushSubscription
    from depesche.audience.push import parse_subscription, push_subscribe
    from depesche.config.vapid import b64url_decode

    dialog_already_seen(page)
    publish_article(site_tree.sections["Wirtschaft"], tags=["Energie"])
    old, fresh = Browser(push_service), Browser(push_service)
    push_subscribe(
        subscription=parse_subscription({"subscription": old.subscription()}),
        topics=["thema:energie"],
    )
    page.goto("/push/")
    page.evaluate("navigator.serviceWorker.register('/sw.js', {scope: '/'})")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    worker = next(w for w in page.context.service_workers if w.url.endswith("/sw.js"))

    key = worker.evaluate(CHANGE_SUBSCRIPTION, [old.subscription(), fresh.subscription()])

    # With no new subscription given, the worker subscribed again with our VAPID key …
    assert bytes(key) == b64url_decode(settings.VAPID_PUBLIC_KEY)
    # … and the site moved the topics from the old subscription to the new one.
    stored = PushSubscription.objects.get()
    assert stored.endpoint == fresh.endpoint
    assert list(stored.topics.values_list("tag__slug", flat=True)) == ["energie"]
