// The figures' zoom is GLightbox (mkdocs-glightbox, global `lightbox`). This only
// completes it for keyboard and screen-reader users, in the page's language:
// the dialog is named and modal, its buttons carry the labels of the page's
// language (data-zoom-labels, set by overrides/hooks/figures.py), the close button
// takes the focus, and the focus goes back to the figure when the dialog closes.
(function () {
  "use strict";
  let opener = null;

  document.addEventListener(
    "click",
    function (event) {
      const link = event.target.closest && event.target.closest("a.glightbox");
      if (link) {
        opener = link;
      }
    },
    true
  );

  function labelDialog() {
    const dialog = document.getElementById("glightbox-body");
    if (!dialog || !opener) {
      return;
    }
    let labels = {};
    try {
      labels = JSON.parse(opener.dataset.zoomLabels || "{}");
    } catch (error) {
      labels = {};
    }
    dialog.setAttribute("aria-modal", "true");
    if (labels.dialog) {
      dialog.setAttribute("aria-label", labels.dialog);
    }
    const buttons = { close: ".gclose", previous: ".gprev", next: ".gnext" };
    Object.keys(buttons).forEach(function (name) {
      const button = dialog.querySelector(buttons[name]);
      if (button && labels[name]) {
        button.setAttribute("aria-label", labels[name]);
        button.setAttribute("title", labels[name]);
      }
    });
    const close = dialog.querySelector(".gclose");
    if (close) {
      close.focus();
    }
  }

  function restoreFocus() {
    if (opener && document.contains(opener)) {
      opener.focus();
    }
  }

  window.addEventListener("DOMContentLoaded", function () {
    // `lightbox` is declared by mkdocs-glightbox's script, after this one.
    if (typeof lightbox === "undefined") {
      return;
    }
    lightbox.on("open", labelDialog);
    lightbox.on("close", restoreFocus);
  });
})();
