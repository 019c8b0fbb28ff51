/* Depesche admin, "Aussprache": hear how the voice says a word.
 * - In an entry's form, an "Anhören" button beside the spoken form plays what is typed there
 *   (the input carries the preview address in data-pronunciation-preview).
 * - In the listing, the "Anhören" links (data-pronunciation-play) play in place; without this
 *   script the browser opens the WAV and plays it.
 * The preview answers 400/403/503 with a plain-text reason, shown beside the button.
 * Loaded as the form's and the listing column's media (no inline script: CSP). */
(function () {
  "use strict";

  var playing = null;

  function say(status, message) {
    if (status) {
      status.textContent = message || "";
    }
  }

  function play(url, status) {
    if (playing) {
      playing.pause();
    }
    say(status, "");
    var audio = new Audio(url);
    playing = audio;
    audio.addEventListener("error", function () {
      // The element tells nothing about why: ask again for the server's reason.
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? "" : response.text();
        })
        .then(function (text) {
          say(status, text || "Die Vorschau konnte nicht abgespielt werden.");
        })
        .catch(function () {
          say(status, "Die Vorschau ist nicht erreichbar.");
        });
    });
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function () {
        /* reported by the error listener */
      });
    }
  }

  function addButton(input) {
    if (input.dataset.pronunciationReady) {
      return;
    }
    input.dataset.pronunciationReady = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary";
    button.textContent = input.dataset.pronunciationLabel || "Anhören";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var box = document.createElement("div");
    box.style.marginTop = "0.5em";
    box.appendChild(button);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(status);
    input.insertAdjacentElement("afterend", box);
    button.addEventListener("click", function () {
      var url = input.dataset.pronunciationPreview + "?text=" + encodeURIComponent(input.value);
      play(url, status);
    });
  }

  function setUp() {
    var inputs = document.querySelectorAll("[data-pronunciation-preview]");
    for (var i = 0; i < inputs.length; i++) {
      addButton(inputs[i]);
    }
  }

  // Delegated: the listing's rows are replaced when the editor searches.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-pronunciation-play]") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    var status = link.parentNode.querySelector("[role=status]");
    if (!status) {
      status = document.createElement("span");
      status.setAttribute("role", "status");
      link.parentNode.appendChild(document.createTextNode(" "));
      link.parentNode.appendChild(status);
    }
    play(link.href, status);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
