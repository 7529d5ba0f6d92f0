/**
 * A strict JSON reader with Go `encoding/json` semantics (what BuildKit's `json.Unmarshal` accepts): whitespace is
 * space, tab, CR, LF only; control characters inside strings are errors; lone surrogate escapes decode to U+FFFD;
 * trailing non-space text is an error. Never throws.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface JsonArrayItem {
  readonly value: JsonValue;
  /** [start, end) of the item's text in the input. */
  readonly start: number;
  readonly end: number;
}

export type JsonResult<T> = { ok: true; value: T } | { ok: false; error: string };

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  value(depth: number): JsonValue | undefined {
    if (depth > 2000) return undefined; // Go allows 10000; kept lower so deep input cannot exhaust the JS stack
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === '"') return this.string();
    if (c === '[') {
      this.pos++;
      const arr: JsonValue[] = [];
      this.ws();
      if (s[this.pos] === ']') {
        this.pos++;
        return arr;
      }
      for (;;) {
        const v = this.value(depth + 1);
        if (v === undefined) return undefined;
        arr.push(v);
        this.ws();
        const d = s[this.pos];
        if (d === ',') {
          this.pos++;
          continue;
        }
        if (d === ']') {
          this.pos++;
          return arr;
        }
        return undefined;
      }
    }
    if (c === '{') {
      this.pos++;
      const obj: { [k: string]: JsonValue } = {};
      this.ws();
      if (s[this.pos] === '}') {
        this.pos++;
        return obj;
      }
      for (;;) {
        this.ws();
        if (s[this.pos] !== '"') return undefined;
        const k = this.string();
        if (k === undefined) return undefined;
        this.ws();
        if (s[this.pos] !== ':') return undefined;
        this.pos++;
        const v = this.value(depth + 1);
        if (v === undefined) return undefined;
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        this.ws();
        const d = s[this.pos];
        if (d === ',') {
          this.pos++;
          continue;
        }
        if (d === '}') {
          this.pos++;
          return obj;
        }
        return undefined;
      }
    }
    if (s.startsWith('true', this.pos)) {
      this.pos += 4;
      return true;
    }
    if (s.startsWith('false', this.pos)) {
      this.pos += 5;
      return false;
    }
    if (s.startsWith('null', this.pos)) {
      this.pos += 4;
      return null;
    }
    return this.number();
  }

  number(): number | undefined {
    const s = this.s;
    const start = this.pos;
    let p = this.pos;
    if (s[p] === '-') p++;
    if (s[p] === '0') p++;
    else if (s[p]! >= '1' && s[p]! <= '9') while (s[p]! >= '0' && s[p]! <= '9') p++;
    else return undefined;
    if (s[p] === '.') {
      p++;
      if (!(s[p]! >= '0' && s[p]! <= '9')) return undefined;
      while (s[p]! >= '0' && s[p]! <= '9') p++;
    }
    if (s[p] === 'e' || s[p] === 'E') {
      p++;
      if (s[p] === '+' || s[p] === '-') p++;
      if (!(s[p]! >= '0' && s[p]! <= '9')) return undefined;
      while (s[p]! >= '0' && s[p]! <= '9') p++;
    }
    this.pos = p;
    return Number(s.slice(start, p));
  }

  hex4(at: number): number {
    const h = this.s.slice(at, at + 4);
    if (h.length !== 4 || !/^[0-9a-fA-F]{4}$/.test(h)) return -1;
    return parseInt(h, 16);
  }

  string(): string | undefined {
    const s = this.s;
    let p = this.pos + 1;
    let out = '';
    let from = p;
    for (;;) {
      if (p >= s.length) return undefined;
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        out += s.slice(from, p);
        this.pos = p + 1;
        return out;
      }
      if (c < 0x20) return undefined;
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += s.slice(from, p);
      const e = s[p + 1];
      p += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const u = this.hex4(p);
          if (u < 0) return undefined;
          p += 4;
          if (u >= 0xd800 && u <= 0xdbff) {
            // a valid pair combines; anything else is U+FFFD (Go's behaviour)
            if (s[p] === '\\' && s[p + 1] === 'u') {
              const v = this.hex4(p + 2);
              if (v >= 0xdc00 && v <= 0xdfff) {
                out += String.fromCharCode(u, v);
                p += 6;
                break;
              }
            }
            out += '\ufffd';
          } else if (u >= 0xdc00 && u <= 0xdfff) out += '\ufffd';
          else out += String.fromCharCode(u);
          break;
        }
        default:
          return undefined;
      }
      from = p;
    }
  }
}

/** Parses a complete JSON text (Go `json.Unmarshal` into `any`). */
export function parseJsonValue(s: string): JsonResult<JsonValue> {
  const r = new Reader(s);
  const v = r.value(0);
  if (v === undefined) return { ok: false, error: 'invalid JSON' };
  r.ws();
  if (r.pos !== s.length) return { ok: false, error: 'invalid JSON: trailing data' };
  return { ok: true, value: v };
}

/** Parses a complete JSON text that must be an array; returns its items with their text ranges. */
export function parseJsonArray(s: string): JsonResult<JsonArrayItem[]> {
  const r = new Reader(s);
  r.ws();
  if (s[r.pos] !== '[') return { ok: false, error: 'not a JSON array' };
  r.pos++;
  const items: JsonArrayItem[] = [];
  r.ws();
  if (s[r.pos] === ']') r.pos++;
  else
    for (;;) {
      r.ws();
      const start = r.pos;
      const v = r.value(1);
      if (v === undefined) return { ok: false, error: 'invalid JSON' };
      items.push({ value: v, start, end: r.pos });
      r.ws();
      const d = s[r.pos];
      if (d === ',') {
        r.pos++;
        continue;
      }
      if (d === ']') {
        r.pos++;
        break;
      }
      return { ok: false, error: 'invalid JSON' };
    }
  r.ws();
  if (r.pos !== s.length) return { ok: false, error: 'invalid JSON: trailing data' };
  return { ok: true, value: items };
}
