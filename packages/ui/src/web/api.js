// The UI's API, as the page calls it (docs/ui.md).

/** GETs `/api/<path>` with parameters; throws an Error with the server's message on failure. */
export async function getJson(path, params = {}) {
  const qs = toQuery(params);
  const res = await fetch(`/api/${path}${qs ? `?${qs}` : ''}`);
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`${path}: HTTP ${res.status}`);
  }
  if (!res.ok) throw new Error(body?.error ?? `${path}: HTTP ${res.status}`);
  return body;
}

/** URL parameters from an object; arrays repeat the name, empty values are left out. */
export function toQuery(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== null && one !== '') qs.append(k, String(one));
  }
  return qs.toString();
}
