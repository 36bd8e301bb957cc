// contractgen web: the little the pages do in the browser. No build step, no libraries.
// The server does every check again; this only answers sooner.
"use strict";

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  return response.ok ? response.json() : null;
}

// Money: the amount in words (人民币大写) under the field, by the server's own formatter.
function moneyPreview(input) {
  const out = document.querySelector(`output[data-for="${input.id}"]`);
  const update = debounce(async () => {
    if (!input.value.trim()) { out.textContent = ""; return; }
    const answer = await getJSON(`/api/money-words?amount=${encodeURIComponent(input.value)}`);
    if (answer) { out.textContent = answer.text; out.classList.toggle("bad", !answer.ok); }
  }, 200);
  input.addEventListener("input", update);
  update();
}

// 统一社会信用代码 / 身份证号码: checked as typed, by the same check the composer runs.
function liveCheck(input) {
  const out = document.querySelector(`output[data-for="${input.id}"]`);
  const update = debounce(async () => {
    const value = input.value.trim();
    if (!value) { out.textContent = ""; out.className = "live-check"; return; }
    const answer = await getJSON(`/api/check?kind=${input.dataset.check}&value=${encodeURIComponent(value)}`);
    if (!answer) return;
    out.textContent = answer.message;
    out.className = "live-check " + (answer.ok ? "ok" : "bad");
    input.setAttribute("aria-invalid", answer.ok ? "false" : "true");
  }, 250);
  input.addEventListener("input", update);
  if (input.value.trim()) update();
}

// A party is a person or an organization: show only the fields that kind has.
function partyKind(select) {
  const fieldset = select.closest("fieldset");
  const apply = () => fieldset.querySelectorAll("[data-kinds]").forEach((row) => {
    row.hidden = row.dataset.kinds !== select.value;
  });
  select.addEventListener("change", apply);
  apply();
}

// A contract is a consumer's when the customer is a person, else one between businesses (as the
// composer decides; the form posts no profile): show only the fields, choices and clauses whose
// data-profiles has the contract's profile. What is hidden is disabled too, so it is not posted; a
// chosen option that is hidden gives way to the first one left (a consumer's court: 甲方住所地).
function contractProfile(form) {
  const customer = form.querySelector("#customer-type");
  if (!customer) return;
  const apply = () => {
    const profile = customer.value === "person" ? "consumer" : "business";
    form.querySelectorAll("[data-profiles]").forEach((el) => {
      const off = !el.dataset.profiles.split(" ").includes(profile);
      el.hidden = off;
      if (el instanceof HTMLOptionElement) el.disabled = off;
      el.querySelectorAll("input, select, textarea").forEach((input) => { input.disabled = off; });
    });
    form.querySelectorAll("select").forEach((select) => {
      if (!select.selectedOptions[0]?.disabled) return;
      const first = [...select.options].find((option) => option.value && !option.disabled);
      if (first) select.value = first.value;
    });
    form.querySelectorAll("input[type=radio]:checked:disabled").forEach((radio) => {
      const first = [...form.querySelectorAll("input[type=radio]")].find((r) => r.name === radio.name && !r.disabled);
      if (first) first.checked = true;
    });
  };
  customer.addEventListener("change", apply);
  apply();
}

// Preview: every filled value highlighted; a click on one opens the form at its field.
function previewLinks(frame) {
  const fieldId = (name) => (name.includes(".") ? name.replace(".", "-") : `values-${name}`);
  frame.addEventListener("load", () => {
    const doc = frame.contentDocument;
    if (!doc) return;
    const style = doc.createElement("style");
    style.textContent = ".v[data-var]{background:#fff1b8;border-radius:2px;cursor:pointer}"
      + ".v[data-var]:hover,.blank[data-var]:hover{outline:2px solid #1d4ed8}.blank[data-var]{cursor:pointer}";
    doc.head.appendChild(style);
    doc.querySelectorAll(".v[data-var], .blank[data-var]").forEach((el) => {
      if (!el.dataset.var) return;
      el.title = frame.dataset.hint;
      el.addEventListener("click", () => {
        window.top.location.href = `${frame.dataset.editUrl}#${fieldId(el.dataset.var)}`;
      });
    });
  });
}

// A rendered document (contract, redline) shows whole, scrolled with the page.
function fitFrame(frame) {
  const fit = () => {
    const doc = frame.contentDocument;
    if (doc) frame.style.height = `${doc.documentElement.scrollHeight + 40}px`;
  };
  frame.addEventListener("load", fit);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
}

// Arriving at a field (from the preview or the list of problems): show it and put the cursor in it.
function focusTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  const row = target.closest(".field");
  if (row) { row.hidden = false; row.classList.add("arrived"); }
  target.scrollIntoView({ block: "center" });
  target.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-money]").forEach(moneyPreview);
  document.querySelectorAll("input[data-check]").forEach(liveCheck);
  document.querySelectorAll("fieldset.party select[id$='-type']").forEach(partyKind);
  document.querySelectorAll("form.contract-form").forEach(contractProfile);
  document.querySelectorAll("iframe[data-edit-url]").forEach(previewLinks);
  document.querySelectorAll("iframe.document").forEach(fitFrame);
  focusTarget();
  window.addEventListener("hashchange", focusTarget);
});
