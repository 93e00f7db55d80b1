"use strict";
// The source list's publisher filter: choosing a publisher in the autocomplete applies it
// (the Filter button does the same without JavaScript).
window.addEventListener("load", function () {
  django.jQuery(".publisher-filter select").on("change", function () {
    this.form.submit();
  });
});
