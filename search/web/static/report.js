/* gongkai report view: bring the chosen passage (?passage=ID or #p-ID) to the middle of the
 * screen, and make "back to results" return to the exact result list when we came from it. */
(() => {
  "use strict";

  function chosen() {
    const marked = document.querySelector(".is-chosen");
    if (marked) return marked;
    let id = location.hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch (_) {
      return null;
    }
    return id ? document.getElementById(id) : null;
  }

  function bringIntoView() {
    const target = chosen();
    if (!target) return;
    target.classList.add("is-chosen");
    target.scrollIntoView({ block: "start" }); // scroll-margin-top keeps context above
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }

  window.addEventListener("hashchange", () => {
    document.querySelectorAll(".is-chosen").forEach((n) => n.classList.remove("is-chosen"));
    bringIntoView();
  });

  const back = document.getElementById("back-link");
  if (back) {
    back.addEventListener("click", (ev) => {
      let ref = null;
      try {
        ref = document.referrer ? new URL(document.referrer) : null;
      } catch (_) {
        ref = null;
      }
      if (ref && ref.origin === location.origin && ref.pathname === "/" && history.length > 1) {
        ev.preventDefault();
        history.back();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bringIntoView);
  } else {
    bringIntoView();
  }
})();
