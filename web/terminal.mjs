// terminal.mjs — the terminal page's script: runs build/web/calc.mjs
// (examples/calc.c) with a stdin source fed by the input line, and shows
// its stdout and stderr on the screen.
import { run } from '../runtime/js/weft.mjs';

const screen = document.getElementById('screen');
const status = document.getElementById('status');
const line = document.getElementById('line');

function show(text, cls) {
  const span = document.createElement('span');
  if (cls) span.className = cls;
  span.textContent = `${text}\n`;
  screen.append(span);
  screen.scrollTop = screen.scrollHeight;
}

// stdin: an async iterable of lines, each given when it is typed; null ends it.
const typed = [];
let wake = null;
function give(chunk) {
  typed.push(chunk);
  wake?.();
  wake = null;
}
async function* input() {
  for (;;) {
    while (!typed.length) await new Promise((resolve) => { wake = resolve; });
    const chunk = typed.shift();
    if (chunk === null) return;
    yield chunk;
  }
}

document.getElementById('prompt').addEventListener('submit', (e) => {
  e.preventDefault();
  show(`> ${line.value}`, 'in');
  give(`${line.value}\n`);
  line.value = '';
});
document.getElementById('eof').addEventListener('click', () => give(null));

status.textContent = 'running: type a line';
run(new URL('../build/web/calc.mjs', import.meta.url), {
  stdin: input(),
  stdout: (text) => show(text),
  stderr: (text) => show(text, 'err'),
}).then((code) => { status.textContent = `exited with status ${code}`; },
  (e) => { status.textContent = `failed: ${e.message}`; });
