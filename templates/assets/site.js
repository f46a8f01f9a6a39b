// runbook: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Lets styles (and the browser tests) know the script loaded and ran.
  document.documentElement.setAttribute("data-js", "ready");
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// pages may not be a secure context: fall back to a hidden textarea.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (error) { reject(error); }
      finally { document.body.removeChild(area); }
    });
  }
  document.querySelectorAll(".code .copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.parentElement.querySelector("pre code");
      if (!code) { return; }
      copyText(code.textContent).then(function () {
        button.textContent = "Copied";
        button.classList.add("done");
      }, function () {
        button.textContent = "Select and copy";
      });
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("done"); }, 2000);
    });
  });
})();
