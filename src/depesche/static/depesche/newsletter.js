/* Depesche: the "Wochenrückblick" sign-up dialog (templates/audience/_modal.html).
 *
 * Optional enhancement. Without JavaScript the <dialog> stays closed and the footer link
 * to /newsletter/ is the way to sign up; the form inside posts there normally.
 *
 * Shown at most once per browser: after data-delay ms or once the reader has scrolled past
 * data-scroll of the page, whichever comes first. Remembered in localStorage only (no
 * cookies); if localStorage is unavailable the dialog never opens on its own.
 */
(function () {
  "use strict";

  const SEEN_KEY = "depesche.newsletter.seen";
  const CONFIRMED_KEY = "depesche.newsletter.confirmed";
  const DEFAULT_DELAY = 15000;
  const DEFAULT_SCROLL = 0.5;
  // Pages that are themselves about subscriptions: /newsletter/ (and its thank-you and
  // confirmation pages) and everything under /abo/.
  const QUIET_PATHS = /^\/(newsletter|abo)(\/|$)/;

  const dialog = document.getElementById("newsletter-dialog");
  let returnFocus = null;
  let cancelTriggers = function () {};

  function storage() {
    // Merely touching window.localStorage throws in some privacy modes.
    try {
      const store = window.localStorage;
      return store || null;
    } catch (err) {
      return null;
    }
  }

  function read(key) {
    const store = storage();
    if (!store) return null;
    try {
      return store.getItem(key);
    } catch (err) {
      return null;
    }
  }

  /* Remember that the dialog was shown; false if that cannot be stored. */
  function markSeen() {
    const store = storage();
    if (!store) return false;
    try {
      store.setItem(SEEN_KEY, String(Date.now()));
      return store.getItem(SEEN_KEY) !== null;
    } catch (err) {
      return false;
    }
  }

  function anotherDialogOpen() {
    const open = document.querySelectorAll("dialog[open]");
    for (let i = 0; i < open.length; i += 1) {
      if (open[i] !== dialog) return true;
    }
    return false;
  }

  function number(value, fallback, min, max) {
    const n = parseFloat(value);
    return isFinite(n) && n >= min && n <= max ? n : fallback;
  }

  function isOpen() {
    return Boolean(dialog && dialog.open);
  }

  function open() {
    if (!dialog || typeof dialog.showModal !== "function" || isOpen()) return false;
    if (anotherDialogOpen()) return false;
    cancelTriggers();
    markSeen();
    const active = document.activeElement;
    returnFocus = active && active !== document.body && !dialog.contains(active) ? active : null;
    try {
      dialog.showModal();
    } catch (err) {
      return false; // e.g. the dialog is no longer in the document
    }
    const email = dialog.querySelector('input[type="email"]');
    if (email) email.focus();
    return true;
  }

  function close() {
    if (isOpen()) dialog.close();
  }

  function restoreFocus() {
    const target = returnFocus;
    returnFocus = null;
    if (target && target.isConnected && typeof target.focus === "function") {
      target.focus({ preventScroll: true });
    } else if (document.activeElement && dialog.contains(document.activeElement)) {
      document.activeElement.blur(); // nothing was focused before: leave focus on the page
    }
  }

  function shouldAutoOpen() {
    if (QUIET_PATHS.test(window.location.pathname)) return false;
    const store = storage();
    if (!store) return false;
    if (read(CONFIRMED_KEY) !== null || read(SEEN_KEY) !== null) return false;
    return true;
  }

  function autoOpen() {
    if (document.hidden) {
      // A background tab: wait until the reader actually looks at the page.
      document.addEventListener("visibilitychange", autoOpen, { once: true });
      return;
    }
    // Re-check: another tab may have shown it, or the reader confirmed meanwhile.
    if (!shouldAutoOpen() || anotherDialogOpen()) {
      cancelTriggers();
      return;
    }
    // Only show it if we can remember having shown it; otherwise it would nag on every page.
    if (!markSeen()) {
      cancelTriggers();
      return;
    }
    open();
  }

  function armTriggers() {
    const delay = number(dialog.dataset.delay, DEFAULT_DELAY, 0, 864e5);
    const fraction = number(dialog.dataset.scroll, DEFAULT_SCROLL, 0, 1);
    let ticking = false;

    function scrolledFar() {
      ticking = false;
      const root = document.documentElement;
      const scrollable = root.scrollHeight - window.innerHeight;
      if (scrollable > 0 && window.scrollY / scrollable >= fraction) autoOpen();
    }
    function onScroll() {
      if (!ticking) {
        ticking = true;
        window.requestAnimationFrame(scrolledFar);
      }
    }
    const timer = window.setTimeout(autoOpen, delay);
    window.addEventListener("scroll", onScroll, { passive: true });
    cancelTriggers = function () {
      window.clearTimeout(timer);
      window.removeEventListener("scroll", onScroll);
      cancelTriggers = function () {};
    };
  }

  if (dialog) {
    // Restore focus as soon as the dialog closes, however that happened (X, Escape, backdrop,
    // close()): the observer runs right after the change, the "close" event only a task later.
    new MutationObserver(function () {
      if (!dialog.open) restoreFocus();
    }).observe(dialog, { attributes: true, attributeFilter: ["open"] });

    // Close on a click on the backdrop: the event targets the <dialog> itself but lies
    // outside its box (a click on the dialog's own padding also targets it, so check the
    // position). A press that started inside (selecting text in the email field and
    // releasing the mouse outside) does not count.
    let pressedInside = false;
    function outside(event) {
      if (event.target !== dialog) return false;
      const box = dialog.getBoundingClientRect();
      return (
        event.clientX < box.left ||
        event.clientX > box.right ||
        event.clientY < box.top ||
        event.clientY > box.bottom
      );
    }
    dialog.addEventListener("pointerdown", function (event) {
      pressedInside = !outside(event);
    });
    dialog.addEventListener("click", function (event) {
      if (outside(event) && !pressedInside) close();
      pressedInside = false;
    });
  }

  // Whoever signs up (here or on /newsletter/) should not be asked again on the next page.
  document.addEventListener("submit", function (event) {
    if (event.target.classList && event.target.classList.contains("signup-form")) {
      cancelTriggers();
      markSeen();
    }
  });

  window.DepescheNewsletter = { open: open, close: close };

  if (dialog && typeof dialog.showModal === "function" && shouldAutoOpen()) armTriggers();
})();
