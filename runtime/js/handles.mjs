// handles.mjs — the table of JS objects C holds, by handle (weft_handle),
// and the weft_host_handle_free import.
import { codes, failure } from './errors.mjs';

const MAX_HANDLE = 0x7fffffff;
const MAX_LIVE = 2 ** 24 - 1; // a Map's limit

/**
 * The JS objects C holds, by handle: positive int32 values handed out in
 * increasing order and never again, so a freed, stale or forged handle is
 * refused for the life of the program (a table that reused values would
 * accept an old handle once its slot came round again). When all 2^31 - 1
 * values have been used, add() fails with WEFT_ENOMEM. An entry may carry
 * `release`, run once when it is freed, and `state`, the host's own record
 * behind the value (fetch.mjs keeps a request's there).
 */
export class Handles {
  constructor() { this.map = new Map(); this.next = 1; }
  get live() { return this.map.size; }
  add(value, { release = null, state = null } = {}) {
    if (this.next > MAX_HANDLE) throw failure(codes.ENOMEM, 'weft: every handle value (2^31 - 1) has been used; handles are never reused');
    if (this.map.size >= MAX_LIVE) throw failure(codes.ENOMEM, `weft: ${this.map.size} handles are live; free some`);
    const h = this.next++;
    this.map.set(h, { value, release, state });
    return h;
  }
  get(h) { return this.map.get(h)?.value; }
  state(h) { return this.map.get(h)?.state; }
  delete(h) {
    const entry = this.map.get(h);
    if (!entry) return false;
    this.map.delete(h);
    entry.release?.();
    return true;
  }
  /** weft_host_handle_free: 0, or WEFT_EHANDLE for a handle not live. */
  free(h) { return this.delete(h) ? 0 : codes.EHANDLE; }
  clear() { for (const h of [...this.map.keys()]) this.delete(h); }
}
