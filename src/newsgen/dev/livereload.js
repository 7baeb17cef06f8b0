(function () {
  "use strict";
  var script = document.currentScript;
  var version = parseInt(script && script.dataset.version || "0", 10);
  var name = script && script.dataset.name || "livereload";
  var overlay = document.getElementById(name + "-error-overlay");  // served with the page
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.id = name + "-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas," +
      "monospace;padding:2rem;white-space:pre-wrap";
    var title = document.createElement("h2");
    var n = problems.length;
    title.textContent = name + ": the last rebuild failed with " + n +
      (n === 1 ? " error" : " errors") + " \u2014 showing the last good site";
    title.style.cssText = "color:#ff8080;font:bold 18px system-ui,sans-serif;margin:0 0 1rem";
    overlay.appendChild(title);
    problems.forEach(function (p) {
      var line = document.createElement("div");
      line.className = name + "-problem";
      line.textContent = p;
      overlay.appendChild(line);
    });
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page updates by itself.";
    hint.style.cssText = "color:#bbb;font-family:system-ui,sans-serif;margin-top:1.5rem";
    overlay.appendChild(hint);
    document.body.appendChild(overlay);
  }
  function refreshStyles() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set(name, Date.now());
      link.href = url.toString();
    });
  }
  var run = script && script.dataset.run || "";
  function changed(event) {
    var state = JSON.parse(event.data);
    if (state.run !== run) { location.reload(); return; }  // a server started since
    if (state.problems.length) { show(state.problems); return; }
    if (state.version > version) {
      if (state.css_only && state.version === version + 1) {
        version = state.version; hide(); refreshStyles();
      } else {
        location.reload();
      }
      return;
    }
    hide();
  }
  // A stream while the tab is shown only: a browser opens six connections to a server,
  // and six tabs' streams left none for a seventh page, nor for a reload. A tab shown
  // again opens its stream, whose first state tells whether the page is still current.
  var source = null;
  function listen() {
    if (document.hidden) {
      if (source) { source.close(); source = null; }
    } else if (!source) {
      source = new EventSource(new URL("events", script.src).pathname);
      source.addEventListener("state", changed);
    }
  }
  document.addEventListener("visibilitychange", listen);
  listen();
})();
