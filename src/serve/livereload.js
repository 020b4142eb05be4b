// Injected by `broadsheet serve` only: reloads the page after a rebuild and shows build
// errors over the page until they are fixed.
(function () {
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "broadsheet-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(40,0,0,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem;white-space:pre-wrap;overflow:auto";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "broadsheet: the build failed; this page shows the last good build.\n\n" + message;
  }
  // Beside this script, so the stream works under the site's sub-path too.
  var events = new EventSource(new URL("events", document.currentScript.src));
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("build-error", function (e) { show(JSON.parse(e.data)); });
})();
