/**
 * JSON with object keys sorted at every depth, so equal values always hash the same.
 *
 * Written with loops and string appends rather than entries/sort/map/join (verify-timeline runs it
 * once per event, a million times): the text is the same — keys in UTF-16 code-unit order (the
 * default sort), undefined properties dropped, undefined array slots written as null and holes
 * left empty as `join` leaves them (canonical-json.test.ts checks it against that definition).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  // Dates (and anything else with toJSON) serialise as JSON.stringify would, not as an empty object.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}
