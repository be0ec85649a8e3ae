// layers.test.mjs — runtime/src keeps its layers (tools/layers.mjs): the
// kernel refers to nothing of the library or the host bridges, and they
// see only the kernel's interface. The checker itself is tested on
// sources changed the wrong way, so that it cannot pass by seeing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, readSources } from '../tools/layers.mjs';

const sources = readSources();
const edited = (layer, name, change) =>
  sources.map((f) => (f.layer === layer && f.name === name ? { ...f, text: change(f.text) } : f));

test('the runtime keeps its layers', () => {
  assert.ok(sources.filter((f) => f.layer === 'core').length >= 5, 'the kernel\'s files are found');
  assert.ok(sources.some((f) => f.layer === 'lib') && sources.some((f) => f.layer === 'host'));
  assert.deepEqual(check(sources), []);
});

test('a wrong-way include is caught', () => {
  const up = edited('core', 'sched.c', (t) => t.replace('#include "kernel.h"', '#include "kernel.h"\n#include "../lib/lib.h"'));
  assert.match(check(up).join('\n'), /core\/sched\.c: includes "\.\.\/lib\/lib\.h"/);
  const inside = edited('lib', 'chan.c', (t) => t.replace('#include "lib.h"', '#include "lib.h"\n#include "../core/kernel.h"'));
  assert.match(check(inside).join('\n'), /lib\/chan\.c: includes "\.\.\/core\/kernel\.h"/);
  const across = edited('host', 'fetch.c', (t) => t.replace('#include "host.h"', '#include "host.h"\n#include "../lib/lib.h"'));
  assert.match(check(across).join('\n'), /host\/fetch\.c: includes/);
});

test('a call from the kernel up into the library or a bridge is caught', () => {
  const calls = edited('core', 'timer.c', (t) => `${t}\nstatic void bad(void) { weft_chan_close(0); host_op_end(1); }\n`);
  const found = check(calls).join('\n');
  assert.match(found, /core\/timer\.c: uses weft_chan_close, which lib\/chan\.c defines/);
  assert.match(found, /core\/timer\.c: uses host_op_end, which host\/ops\.c defines/);
  // ...and a mention in a comment or a string is not a use.
  const words = edited('core', 'timer.c', (t) => `${t}\n/* weft_chan_close */ static const char *s = "host_op_end";\n`);
  assert.deepEqual(check(words), []);
});
