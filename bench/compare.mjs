// compare.mjs — `node bench/run.mjs --compare A.json B.json`: two --json
// reports (two builds, say) side by side. For each runtime found in both,
// and each kernel: every side's min time per operation (CPU where both have
// it, else wall), B ÷ A, and every figure, A → B, with B's verdict.
const num = (x) => (typeof x !== 'number' ? '—' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3));

export function compare(a, b, log) {
  for (const rb of b.runs) {
    const ra = a.runs.find((r) => r.env?.runtime === rb.env?.runtime) ?? a.runs.find((r) => r.env?.engine && r.env.engine === rb.env?.engine);
    if (!ra) { log(`${rb.env?.runtime}: not in A`); continue; }
    log(`\n${ra.env.runtime} (A) → ${rb.env.runtime} (B)`);
    if (ra.error || rb.error) { log(`  failed in ${ra.error ? 'A' : 'B'}: ${ra.error ?? rb.error}`); continue; }
    for (const kb of rb.results) {
      const ka = ra.results.find((k) => k.id === kb.id);
      if (!ka || ka.error || kb.error) { log(`  [${kb.id}] ${!ka ? 'not in A' : `FAILED in ${ka.error ? 'A' : 'B'}`}`); continue; }
      for (const [key, sb] of Object.entries(kb.sides ?? {})) {
        const sa = ka.sides?.[key];
        if (!sa) continue;
        const on = sa.cpu && sb.cpu ? 'cpu' : 'wall';
        log(`  [${kb.id}] ${sb.label}: ${num(sa[on].min)} → ${num(sb[on].min)} ${kb.unit} (${on === 'cpu' ? 'CPU' : 'wall'}): ` +
          `B ÷ A ${(sb[on].min / sa[on].min).toFixed(3)}×`);
      }
      for (const fb of kb.figures ?? []) {
        const fa = ka.figures?.find((f) => f.label === fb.label && f.basis === fb.basis);
        if (!fa) continue;
        const verdict = fb.target ? `   target ${fb.target.op} ${fb.target.value}: ${fb.met ? 'met' : 'missed'} in B` : '';
        log(`  [${kb.id}] ${fb.label}${fb.basis ? ` (${fb.basis})` : ''}: ${num(fa.value)} → ${num(fb.value)}${fb.unit === '×' ? '×' : ` ${fb.unit ?? ''}`}${verdict}`);
      }
    }
  }
}
