// backend-switch.mjs — the demo page's backend switch: build/web/demo.mjs
// is built for both backends (weft-cc --jspi --fallback), and the <select
// id="backend"> in the page's bar picks which one load() runs, through the
// page's ?backend= parameter (changing it reloads the page). Asyncify is
// the default: the walkthrough describes its unwinds and rewinds.
// The backend names and JSPI detection are load()'s own (runtime/js).
import { backends } from '../runtime/js/backend.mjs';
import { jspiSupported } from '../runtime/js/jspi.mjs';

/** The backend this page load asks for ('asyncify' or 'jspi'), with the switch set to it. */
export function chosenBackend() {
  const asked = new URLSearchParams(location.search).get('backend');
  const backend = backends.includes(asked) ? asked : 'asyncify';
  const select = document.getElementById('backend');
  select.value = backend;
  if (!jspiSupported()) {
    const jspi = select.querySelector('option[value="jspi"]');
    jspi.disabled = true;
    jspi.textContent += ' (this browser has none)';
  }
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', select.value);
    location.assign(url);
  });
  document.getElementById('backend-note').hidden = backend !== 'jspi';
  return backend;
}
