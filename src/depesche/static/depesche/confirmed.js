/* Depesche: after a confirmed sign-up, the Wochenrückblick dialog (newsletter.js) stays closed
 * on this browser. Loaded by templates/audience/confirmed.html. */
(function () {
  "use strict";
  try {
    window.localStorage.setItem("depesche.newsletter.confirmed", "1");
  } catch (err) {
    /* localStorage unavailable (privacy mode): the dialog may open once more, no harm. */
  }
})();
