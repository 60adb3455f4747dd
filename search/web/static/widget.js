/* gongkai embeddable search widget.
 *
 *   <div id="gongkai"></div>
 *   <script src="http://HOST:PORT/widget.js" data-target="#gongkai"></script>
 *
 * Optional attributes on the script tag: data-limit (hits per page, 1–20, default 5),
 * data-query (a first search to run), data-agency / data-year / data-section (fixed filters),
 * data-facets="year,agency" (filter chips under the box: the matching reports' years and
 * agencies, each with its count; a click narrows the results, a second click widens them).
 * The widget calls the API at the origin it was loaded from (the server must be started with
 * --cors-origin for the host page's origin). It renders inside a Shadow DOM, so the host
 * page's CSS cannot reach it and its CSS cannot reach the host page. Text from the index is
 * only inserted as text; marks come from the API's spans.
 *
 * This classic script (a host page loads it with a plain <script src>, where modules cannot
 * find their own tag) only finds its tag and imports the widget, the ES module
 * static/embed.js, by absolute URL from the origin it was loaded from; embed.js and the
 * modules it imports are served as they are, readable from any origin (search/web/pages.py). */
(() => {
  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]"))
      .reverse()
      .find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src));
  if (!script) {
    console.warn("gongkai widget: cannot find its own <script> tag");
    return;
  }
  import(new URL("./static/embed.js", new URL(script.src, location.href)).href)
    .then((widget) => widget.embed(script))
    .catch((e) => console.warn(`gongkai widget: cannot load static/embed.js (${e})`));
})();
