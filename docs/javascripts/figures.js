// The figures' zoom is GLightbox (mkdocs-glightbox). Its script and stylesheet are
// loaded here, the first time a reader points at, focuses or opens a figure: a page
// load does no lightbox work (overrides/hooks/figures.py turns the plugin's tags into
// the data element #init-glightbox: the two addresses and the options). Without
// script, or if loading fails, the figure's link opens the image itself.
// This also completes the dialog for keyboard and screen-reader users, in the page's
// language: the dialog is named and modal, its buttons carry the labels of the page's
// language (data-zoom-labels, set by overrides/hooks/figures.py), the close button
// takes the focus, and the focus goes back to the figure when the dialog closes.
(function () {
  "use strict";
  let opener = null;
  let loading = null;

  function zoomLink(event) {
    return (event.target.closest && event.target.closest("a.glightbox")) || null;
  }

  function setup() {
    const element = document.getElementById("init-glightbox");
    return element ? JSON.parse(element.textContent) : null;
  }

  function fetchFile(tag, attributes) {
    return new Promise(function (resolve, reject) {
      const node = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) {
        node.setAttribute(name, attributes[name]);
      });
      node.addEventListener("load", resolve);
      node.addEventListener("error", reject);
      (tag === "link" ? document.head : document.body).appendChild(node);
    });
  }

  // The lightbox, loaded and set up once (a promise of it).
  function lightbox() {
    if (!loading) {
      const config = setup();
      const address = function (path) {
        return new URL(path, document.baseURI).href;
      };
      loading = Promise.all([
        fetchFile("link", { rel: "stylesheet", href: address(config.stylesheet) }),
        fetchFile("script", { src: address(config.script) }),
      ]).then(function () {
        const box = GLightbox(config.options);
        box.on("open", labelDialog);
        box.on("close", restoreFocus);
        window.lightbox = box;
        return box;
      });
      loading.catch(function () {
        loading = null; // try again next time; meanwhile the link opens the image
      });
    }
    return loading;
  }

  function warmUp(event) {
    if (zoomLink(event) && setup()) {
      lightbox().catch(function () {});
    }
  }
  document.addEventListener("pointerover", warmUp, { passive: true });
  document.addEventListener("focusin", warmUp);

  document.addEventListener(
    "click",
    function (event) {
      const link = zoomLink(event);
      if (!link || !setup()) {
        return;
      }
      opener = link;
      if (window.lightbox) {
        return; // set up: GLightbox's own handler opens it
      }
      event.preventDefault();
      event.stopPropagation();
      lightbox().then(
        function (box) {
          const links = Array.prototype.slice.call(document.querySelectorAll(".glightbox"));
          box.openAt(Math.max(0, links.indexOf(link)));
        },
        function () {
          window.location.href = link.href;
        }
      );
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
})();
