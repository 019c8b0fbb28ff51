// Depesche's service worker: shows the notifications the site sends by Web Push and opens the
// article on a click. Payload: {"title", "body", "url", "topic"} (JSON, encrypted by the server
// for this browser only).
"use strict";

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
