// A form with data-draft keeps what was typed in this device's storage on every change, and
// gives it back when the page is opened again (a dropped connection, a reload, a flat
// battery); the page shown after a successful save clears it (data-clear-draft). The key
// names the user, so nobody else signed in on the tablet gets it back, and a draft older
// than twelve hours is thrown away unread.
(function () {
  "use strict";
  var MAX_AGE_MS = 12 * 3600 * 1000;
  // Drafts of any user older than twelve hours go, whichever page is opened.
  try {
    Object.keys(localStorage).filter(function (k) { return k.indexOf("screening-") === 0; })
      .forEach(function (k) {
        var d = JSON.parse(localStorage.getItem(k) || "{}");
        if (!d.at || Date.now() - d.at > MAX_AGE_MS) { localStorage.removeItem(k); }
      });
  } catch (e) {}
  var cleared = document.querySelector("[data-clear-draft]");
  if (cleared) { try { localStorage.removeItem(cleared.dataset.clearDraft); } catch (e) {} }
  var form = document.querySelector("form[data-draft]");
  if (!form) { return; }
  var key = form.dataset.draft;
  function save() {
    var entries = [];
    new FormData(form).forEach(function (value, name) { entries.push([name, value]); });
    try { localStorage.setItem(key, JSON.stringify({at: Date.now(), entries: entries})); } catch (e) {}
  }
  function restore() {
    var raw;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var draft = JSON.parse(raw);
    if (!draft.at || Date.now() - draft.at > MAX_AGE_MS) { localStorage.removeItem(key); return; }
    var entries = draft.entries;
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (box) {
      box.checked = entries.some(function (e) { return e[0] === box.name && e[1] === box.value; });
    });
    entries.forEach(function (e) {
      var field = form.querySelector("[name='" + e[0] + "']:not([type=checkbox]):not([type=radio])");
      if (field) { field.value = e[1]; }
    });
    var note = document.querySelector(".draft-note");
    if (note) { note.hidden = false; }
  }
  if (!document.querySelector(".error")) { restore(); }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    if (!navigator.onLine) {  // keep the page and what was typed; try again when back online
      event.preventDefault();
      form.querySelector(".offline").hidden = false;
    }
  });
})();
