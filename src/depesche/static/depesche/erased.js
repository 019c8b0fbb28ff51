/* Depesche: after the reader's data was erased, the browser forgets the confirmed sign-up too,
 * so the Wochenrückblick dialog (newsletter.js) may be offered again. Loaded by
 * templates/audience/erased.html. */
(function () {
  "use strict";
  try {
    window.localStorage.removeItem("depesche.newsletter.confirmed");
  } catch (err) {
    /* localStorage unavailable (privacy mode): nothing was stored. */
  }
})();
