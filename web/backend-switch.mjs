// backend-switch.mjs — the demo page's backend switch: build/web/demo.mjs
// is built for both backends (weft-cc --jspi --fallback), and the <select
// id="backend"> in the page's bar picks which one load() runs, through the
// page's ?backend= parameter (changing it reloads the page). Asyncify is
// the default: the walkthrough describes its unwinds and rewinds.
const choices = ['asyncify', 'jspi'];
const hasJspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/** The backend this page load asks for ('asyncify' or 'jspi'), with the switch set to it. */
export function chosenBackend() {
  const asked = new URLSearchParams(location.search).get('backend');
  const backend = choices.includes(asked) ? asked : 'asyncify';
  const select = document.getElementById('backend');
  select.value = backend;
  if (!hasJspi) {
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
