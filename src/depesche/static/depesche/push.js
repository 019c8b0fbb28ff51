// Web Push in the browser: "Im Browser benachrichtigen" on a topic, and /push/, where this
// browser sees and removes what it follows. Nothing here runs without a browser that supports
// service workers and the Push API; the elements it drives stay hidden then.
"use strict";

(function () {
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function keyBytes(base64url) {
    const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  async function registration() {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    return navigator.serviceWorker.ready;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.error || response.statusText);
    }
    return data;
  }

  function say(element, text) {
    if (element) {
      element.textContent = text;
    }
  }

  // "Im Browser benachrichtigen" for one topic (data-push-topic) on a page.
  function offer(box) {
    const button = box.querySelector("button");
    const status = box.querySelector("[role=status]");
    box.hidden = false;
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const permission = await Notification.requestPermission();
        if (permission !== "granted") {
          say(status, box.dataset.textDenied);
          return;
        }
        const reg = await registration();
        const subscription =
          (await reg.pushManager.getSubscription()) ||
          (await reg.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(box.dataset.vapidKey),
          }));
        await post(box.dataset.subscribeUrl, {
          subscription: subscription.toJSON(),
          topics: [box.dataset.pushTopic],
        });
        say(status, box.dataset.textDone);
      } catch (error) {
        say(status, box.dataset.textFailed + " (" + error.message + ")");
      } finally {
        button.disabled = false;
      }
    });
  }

  // /push/: what this browser follows, each with a button that stops it.
  async function manage(box) {
    const list = box.querySelector("ul");
    const status = box.querySelector("[role=status]");
    box.hidden = false;
    const reg = await registration();
    const subscription = await reg.pushManager.getSubscription();
    if (!subscription) {
      say(status, box.dataset.textNone);
      return;
    }
    const show = (topics) => {
      list.replaceChildren();
      say(status, topics.length ? "" : box.dataset.textNone);
      for (const topic of topics) {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = topic;
        const stop = document.createElement("button");
        stop.type = "button";
        stop.textContent = box.dataset.textStop;
        stop.addEventListener("click", async () => {
          const data = await post(box.dataset.unsubscribeUrl, {
            subscription: subscription.toJSON(),
            topics: [topic],
          });
          if (!data.topics.length) {
            await subscription.unsubscribe();
          }
          show(data.topics);
        });
        item.append(name, " ", stop);
        list.append(item);
      }
    };
    show((await post(box.dataset.topicsUrl, { subscription: subscription.toJSON() })).topics);
  }

  if (!supported) {
    return;
  }
  document.querySelectorAll("[data-push-topic]").forEach(offer);
  document.querySelectorAll("[data-push-manage]").forEach((box) => {
    manage(box).catch((error) => say(box.querySelector("[role=status]"), error.message));
  });
})();
