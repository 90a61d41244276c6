// Organisation suggestions: as an officer types an organisation's name, offer matches from the
// organisations API in the input's <datalist>. Names shared by several organisations are
// offered as their company number, which the form accepts too. Without JavaScript the officer
// types the exact name or number.
for (const input of document.querySelectorAll("input[data-pv-organisation-search]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let latest = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || !list) return;
    timer = setTimeout(async () => {
      latest = text;
      const url = `${input.dataset.pvOrganisationSearch}?q=${encodeURIComponent(text)}&page_size=10`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || latest !== text) return;
      const { results } = await response.json();
      const counts = {};
      for (const organisation of results) counts[organisation.name] = (counts[organisation.name] || 0) + 1;
      list.replaceChildren(
        ...results.map((organisation) => {
          const option = document.createElement("option");
          const shared = counts[organisation.name] > 1 && organisation.company_number;
          option.value = shared ? organisation.company_number : organisation.name;
          option.label = [organisation.name, organisation.town, organisation.company_number].filter(Boolean).join(", ");
          return option;
        }),
      );
    }, 250);
  });
}
