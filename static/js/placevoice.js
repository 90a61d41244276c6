// Start the GOV.UK Frontend components (menu toggle, error summary focus, notification banners…).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

// Filter panels arrive closed unless a filter is applied, so on a phone the results come
// first even before (or without) JavaScript; a desktop has room to show them open.
const desktop = window.matchMedia("(min-width: 40.0625em)");
if (desktop.matches) {
  for (const details of document.querySelectorAll("details[data-pv-collapse-on-phone]")) {
    details.open = true;
  }
}
