// "Log a 1-2-1": the organisation type-ahead (an ARIA 1.2 combobox over the organisations
// API), the people of the chosen organisation, and adding/removing insight and action rows.
// Without JavaScript the page still works: the typed name is matched on the server, and
// "Add another …" buttons post the form back with one more row.

const form = document.getElementById("log-form");

function debounce(fn, wait) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

async function getJSON(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function setupAutocomplete() {
  const input = document.getElementById("id_organisation_search");
  const hidden = document.getElementById("id_organisation");
  const list = document.getElementById("organisation-listbox");
  const status = document.getElementById("organisation-status");
  if (!input || !hidden || !list) return;
  const searchUrl = form.dataset.searchUrl;
  let options = [];
  let active = -1;
  let lastQuery = "";

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "organisation-listbox");
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Matching organisations");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = list.querySelectorAll("[role=option]");
    items.forEach((item, i) => {
      const on = i === index;
      item.classList.toggle("pv-autocomplete__option--focused", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
    });
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    const organisation = options[index];
    if (!organisation) return;
    hidden.value = String(organisation.id);
    input.value = organisation.name;
    lastQuery = organisation.name;
    close();
    status.textContent = `${organisation.name} chosen`;
    loadPeople(organisation);
  }

  function render(results) {
    options = results;
    list.replaceChildren();
    results.forEach((organisation, index) => {
      const item = document.createElement("li");
      item.id = `organisation-option-${index}`;
      item.className = "pv-autocomplete__option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = organisation.name;
      const where = [organisation.town, organisation.postcode].filter(Boolean).join(", ");
      if (where) {
        const hint = document.createElement("span");
        hint.className = "pv-autocomplete__hint";
        hint.textContent = where;
        item.appendChild(hint);
      }
      // mousedown, not click: it fires before the input loses focus.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(index);
      });
      list.appendChild(item);
    });
    if (results.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = `${results.length} organisation${results.length === 1 ? "" : "s"} found. Use the up and down arrows to choose.`;
    } else {
      close();
      status.textContent = "No organisations found";
    }
    active = -1;
  }

  const search = debounce(async (query) => {
    if (query.length < 2) {
      close();
      return;
    }
    try {
      const url = `${searchUrl}?q=${encodeURIComponent(query)}&page_size=8`;
      const body = await getJSON(url);
      if (input.value.trim() === query) render(body.results || []);
    } catch (error) {
      close();
    }
  }, 200);

  input.addEventListener("input", () => {
    const query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    hidden.value = "";  // typing again un-chooses the organisation
    search(query);
  });

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open && options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      highlight(Math.min(active + 1, options.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      if (open) {
        event.preventDefault();
        choose(active >= 0 ? active : 0);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("blur", () => setTimeout(close, 150));
}

async function loadPeople(organisation) {
  const container = document.getElementById("people-options");
  const hint = document.getElementById("people-hint");
  if (!container) return;
  container.replaceChildren();
  hint.textContent = `People we hold at ${organisation.name}`;
  try {
    const url = `${form.dataset.peopleUrl}?organisation=${organisation.id}&page_size=100`;
    const body = await getJSON(url);
    const people = body.results || [];
    if (!people.length) {
      const note = document.createElement("p");
      note.className = "govuk-body govuk-!-margin-bottom-0";
      note.textContent = "No people are recorded for this organisation yet.";
      container.appendChild(note);
      return;
    }
    people.forEach((person, index) => {
      const id = index === 0 ? "id_people" : `id_people-${person.id}`;
      const item = document.createElement("div");
      item.className = "govuk-checkboxes__item";
      const box = document.createElement("input");
      box.className = "govuk-checkboxes__input";
      box.type = "checkbox";
      box.name = "people";
      box.id = id;
      box.value = String(person.id);
      const label = document.createElement("label");
      label.className = "govuk-label govuk-checkboxes__label";
      label.htmlFor = id;
      const name = `${person.first_name} ${person.last_name}`.trim();
      label.textContent = person.job_title ? `${name}, ${person.job_title}` : name;
      item.append(box, label);
      container.appendChild(item);
    });
  } catch (error) {
    hint.textContent = "The people could not be loaded. You can add them to the 1-2-1 later.";
  }
}

function setupRows(prefix, noun) {
  const rows = document.getElementById(`${prefix}-rows`);
  const template = document.getElementById(`${prefix}-template`);
  const total = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const addButton = form.querySelector(`[data-add-row="${prefix}"]`);
  if (!rows || !template || !total || !addButton) return;
  const pattern = new RegExp(`${prefix}-(\\d+|__prefix__)-`, "g");
  const idPattern = new RegExp(`id_${prefix}-(\\d+|__prefix__)$`);

  function renumber() {
    const all = rows.querySelectorAll(":scope > [data-row]");
    all.forEach((row, index) => {
      row.id = `id_${prefix}-${index}`;
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
        for (const attr of ["name", "id", "for", "aria-describedby"]) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, `${prefix}-${index}-`));
        }
      });
      const title = row.querySelector("[data-row-title]");
      if (title) title.textContent = `${noun} ${index + 1}`;
      const hiddenTitle = row.querySelector("[data-row-title-hidden]");
      if (hiddenTitle) hiddenTitle.textContent = `${noun.toLowerCase()} ${index + 1}`;
      const remove = row.querySelector("[data-remove-row]");
      if (remove) remove.hidden = false;
    });
    total.value = String(all.length);
  }

  function wire(row) {
    const remove = row.querySelector("[data-remove-row]");
    if (!remove) return;
    remove.hidden = false;
    remove.addEventListener("click", () => {
      row.remove();
      renumber();
      addButton.focus();
    });
  }

  rows.querySelectorAll(":scope > [data-row]").forEach((row) => {
    if (idPattern.test(row.id)) wire(row);
  });
  addButton.type = "button";
  addButton.addEventListener("click", () => {
    const fragment = template.content.cloneNode(true);
    const row = fragment.querySelector("[data-row]");
    rows.appendChild(fragment);
    wire(row);
    renumber();
    const first = row.querySelector("textarea, input:not([type=hidden]), select");
    if (first) first.focus();
  });
}

if (form) {
  setupAutocomplete();
  setupRows("insights", "Insight");
  setupRows("actions", "Action");
}
