// Depesche's service worker: shows the notifications the site sends by Web Push, opens the
// article on a click, and keeps the browser's topics when its push service renews the
// subscription. Payload: {"title", "body", "url", "topic"} (JSON, encrypted by the server for
// this browser only).
"use strict";

const VAPID_PUBLIC_KEY = "{{ vapid_public_key|escapejs }}";

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { title: event.data ? event.data.text() : "" };
  }
  const title = message.title || "{{ site_name|default:'Depesche'|escapejs }}";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      // One notification per article: a second message about it replaces the first.
      tag: message.url || undefined,
      data: { url: message.url || "/" },
      lang: "de",
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === url && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })
  );
});

// The push service renewed or expired this browser's subscription (Firefox fires this; Chromium
// does not yet). The old subscription's keys prove to the site that this is the browser that
// followed its topics, and /push/renew/ moves them to the new one. Without the old one nothing
// names those topics: the reader follows again on the site.
self.addEventListener("pushsubscriptionchange", (event) => {
  const old = event.oldSubscription;
  event.waitUntil(
    (async () => {
      let fresh = event.newSubscription;
      if (!fresh) {
        fresh = await self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(VAPID_PUBLIC_KEY),
        });
      }
      if (!old) {
        return;
      }
      await fetch("/push/renew/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ subscription: fresh.toJSON(), replaces: old.toJSON() }),
      });
    })()
  );
});
