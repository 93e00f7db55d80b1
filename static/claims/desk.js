// The workspace's keyboard shortcuts, focus after swaps, and adding a claim from a
// text selection. Everything here is an enhancement: each action also works as a form.
(function () {
  "use strict";

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function isTyping(event) {
    const target = event.target;
    return (
      target.isContentEditable ||
      ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
      event.ctrlKey || event.metaKey || event.altKey
    );
  }

  // j/k move between claims in the list; Enter (native) opens the focused one. Past the
  // last (or first) row loaded, they load the next window of the list and go on there.
  let pendingMove = null;

  function moveClaim(step) {
    if (pendingMove) {
      pendingMove.step += step; // keys pressed while the next window loads still count
      return;
    }
    const links = $$(".claim-link");
    if (!links.length) return;
    const current = links.indexOf(document.activeElement);
    let next;
    if (current === -1) {
      const selected = links.findIndex((link) => link.closest(".is-selected"));
      next = selected === -1 ? (step > 0 ? 0 : links.length - 1) : selected + step;
    } else {
      next = current + step;
    }
    const list = $(".claim-list");
    const edge = list && (step > 0 ? list.lastElementChild : list.firstElementChild);
    if ((next < 0 || next >= links.length) && edge && edge.matches(".list-more")) {
      pendingMove = { step: step, from: links[Math.max(0, Math.min(links.length - 1, next - step))] };
      $("a", edge).click();
      return;
    }
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
  }

  // A window that failed to load leaves j/k working on the rows already here.
  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach((name) => {
    document.body.addEventListener(name, () => {
      pendingMove = null;
    });
  });

  function openAndFocus(detailsId, fieldSelector) {
    const details = document.getElementById(detailsId);
    if (details) details.open = true;
    const field = $(fieldSelector);
    if (field) {
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  }

  // Esc closes the open claim (as its × link does), unless a dialog is open: Esc is
  // the dialog's. Inside a field it does nothing, so that nothing typed is lost.
  function closePanel() {
    if ($("dialog[open]")) return false;
    const close = $(".claim-panel a.close");
    if (!close) return false;
    close.click();
    return true;
  }

  function toggleShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (isTyping(event)) return;
    switch (event.key) {
      case "j": moveClaim(1); break;
      case "k": moveClaim(-1); break;
      case "s": openAndFocus("add-source", "#add-source input[name=url]"); break;
      case "v": openAndFocus(null, "#verdict-form select[name=rating]"); break;
      case "/": openAndFocus(null, "#id_q"); break;
      case "?": toggleShortcuts(); break;
      case "Escape": if (!closePanel()) return; break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) toggleShortcuts();
  });

  function markSelected(claimId) {
    $$(".is-selected").forEach((el) => el.classList.remove("is-selected"));
    $$(`[data-claim="${claimId}"]`).forEach((el) => {
      const row = el.closest(".claim-row");
      (row || el).classList.add("is-selected");
    });
  }

  // After the claim panel is swapped in, move focus to it (or to the first error) and
  // mark the open claim in the list and the text.
  function panelOpened(panel) {
    markSelected(panel.dataset.claim);
    const invalid = $("[aria-invalid=true]", panel);
    if (invalid) invalid.focus();
    else $("#claim-panel-heading", panel).focus();
    if (window.matchMedia("(max-width: 800px)").matches) panel.scrollIntoView({ block: "start" });
  }

  // After a change replaced one section, focus its first error; if the focused button
  // went with the old section, focus the section's heading so the keyboard keeps its place.
  function sectionChanged(section) {
    const invalid = $("[aria-invalid=true]", section);
    if (invalid) invalid.focus();
    else if (!document.activeElement || document.activeElement === document.body) {
      const heading = $("h2[tabindex], h3[tabindex]", section);
      if (heading) heading.focus();
    }
  }

  // htmx:afterSwap fires on every element a response put in the page: the panel, the
  // section that replaced the one the form was in (same id as the request's target),
  // and the out-of-band parts.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const swapped = event.target;
    const target = event.detail.target;
    if (swapped.id === "claim-panel" && target === swapped) {
      const panel = $(".claim-panel", swapped);
      if (panel) panelOpened(panel);
    } else if (target && swapped.id && swapped.id === target.id && swapped.matches(".section-body")) {
      sectionChanged(swapped);
    }
  });

  // A change puts the sections loaded when opened (history, checked before) back closed
  // and unloaded; one the reader had open opens again, which loads it afresh.
  const reopen = new Set();
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const old = event.detail.target;
    if (old.matches && old.matches("details.lazy-section") && old.open) reopen.add(old.id);
  });

  // Once settled (htmx puts a replaced element's new classes back only then), a list
  // row or list that came back unmarked is marked as the open claim again.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (pendingMove) {
      const links = $$(".claim-link");
      const wanted = links.indexOf(pendingMove.from) + pendingMove.step;
      const next = links[Math.max(0, Math.min(links.length - 1, wanted))];
      pendingMove = null;
      if (next) {
        next.focus();
        next.scrollIntoView({ block: "nearest" });
      }
    }
    const panel = $(".claim-panel");
    if (panel && event.target.matches && event.target.matches(".claim-row, #claim-list")) {
      markSelected(panel.dataset.claim);
    }
    reopen.forEach((id) => {
      const details = document.getElementById(id);
      if (details && !details.open) details.open = true;
    });
    reopen.clear();
  });

  // Selecting words in the article fills the "Add a claim" form (or the form re-anchoring a
  // flagged claim) with the quote and its UTF-16 offsets in the article text; the server
  // converts and checks them.
  function selectionInBody() {
    const body = document.getElementById("article-body");
    const selection = window.getSelection();
    if (!body || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
    // The text arrives in windows; each knows where it starts in the whole text.
    const startNode = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const textWindow = startNode.closest(".text-window");
    if (!textWindow) return null;
    const before = document.createRange();
    before.selectNodeContents(textWindow);
    before.setEnd(range.startContainer, range.startOffset);
    const start = Number(textWindow.dataset.utf16Start) + before.toString().length;
    const quote = range.toString();
    return { start: start, end: start + quote.length, quote: quote };
  }

  function offerSelection() {
    const picked = selectionInBody();
    // The form that takes a selection: "Add a claim", or re-anchoring a flagged claim.
    const form = document.querySelector("form[data-takes-selection]");
    if (!picked || !picked.quote.trim() || !form) return;
    form.elements.quote.value = picked.quote;
    form.elements.start.value = picked.start;
    form.elements.end.value = picked.end;
    const details = document.getElementById("add-claim");
    if (!details) return;
    details.open = true;
    details.classList.add("has-selection");
    // The form sits below the text: offer a button that takes the reviewer there.
    const action = document.getElementById("selection-action");
    if (action) action.hidden = false;
  }

  document.addEventListener("click", (event) => {
    if (!event.target.closest("#selection-action")) return;
    event.target.hidden = true;
    const form = document.getElementById("add-claim-form");
    form.scrollIntoView({ block: "center" });
    form.elements.statement.focus();
  });

  document.addEventListener("mouseup", (event) => {
    if (event.target.closest("#article-body")) offerSelection();
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey && event.target.closest && event.target.closest("#article-body")) offerSelection();
  });
  // Typing in the quote by hand drops the offsets: the server then finds the words.
  document.addEventListener("input", (event) => {
    if (event.target.name === "quote" && event.target.form && event.target.form.hasAttribute("data-takes-selection")) {
      event.target.form.elements.start.value = "";
      event.target.form.elements.end.value = "";
    }
  });
})();
