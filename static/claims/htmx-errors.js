// How an htmx request that went wrong reads, on every desk page, with DEBUG on and off.
// The desk answers a refusal (403), a conflict (409) or invalid input (422) with the
// part of the page to put in place, message included (base.html's htmx-config swaps
// them); django-htmx's debug handler (DEBUG on) would instead replace the whole document
// with the response. Other failures swap nothing: they are said where the user acted.
(function () {
  "use strict";

  const MESSAGES = {
    400: "The desk could not read this request. Reload the page and try again.",
    404: "This is no longer here: someone may have merged, split or removed it. Reload the page.",
  };
  const FAILED = "The desk could not do this (error {status}). Reload the page to see what was saved.";
  const UNREACHABLE = "The desk could not be reached: nothing was sent. Check the connection and try again.";

  // Only a server error (500) is left to the debug handler: its traceback is for developers.
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    if (event.detail.xhr.status !== 500) event.stopPropagation();
  });

  // The status region of the claim panel's section the request came from, else the page's.
  function regionFor(element) {
    const section = element && element.closest && element.closest(".panel-section");
    return (section && section.querySelector(".section-status")) || document.getElementById("desk-alert");
  }

  function say(element, text) {
    const region = regionFor(element);
    if (!region) return;
    const message = document.createElement("p");
    message.className = "form-errors";
    message.textContent = text;
    region.replaceChildren(message);
  }

  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(event.detail.elt, MESSAGES[status] || FAILED.replace("{status}", status));
  });
  document.body.addEventListener("htmx:sendError", (event) => say(event.detail.elt, UNREACHABLE));
})();
