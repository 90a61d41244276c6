// Start the GOV.UK Frontend components (menu toggle, error summary focus, notification banners…).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
