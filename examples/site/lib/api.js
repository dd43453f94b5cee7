// The CMS's public API: its base URL (env OA_API) and a JSON read that fails loudly.

export const api = (process.env.OA_API || 'http://127.0.0.1:8080').replace(/\/+$/, '');

export async function get(path) {
  const res = await fetch(api + path, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    throw new Error(`GET ${api}${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  return res.json();
}
