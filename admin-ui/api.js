// The admin API, as this app uses it: JSON in and out, problem+json turned into ApiError.

export const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let onUnauthorized = () => {};

/** Called when a request answers 401 (the session ended). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function readBody(res) {
  const type = res.headers.get('content-type') || '';
  if (res.status === 204 || res.status === 304) return null;
  if (type.includes('json')) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return res.text();
}

/**
 * One request. `opts.body` is sent as JSON; `opts.etag` as If-Match.
 * Resolves to {status, data, etag}; rejects with ApiError on 4xx/5xx.
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (opts.etag) headers['If-Match'] = opts.etag;
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, { title: 'Geen verbinding', detail: 'De server is niet bereikbaar.' });
  }
  const data = await readBody(res);
  if (!res.ok) {
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : { detail: String(data || '') });
    if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized();
    throw err;
  }
  return { status: res.status, data, etag: res.headers.get('etag') };
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const put = (path, body, opts = {}) => request('PUT', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);

/** Items of a list answer, whether it is a bare array or `{items: [...]}`. */
export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Uploads one file as multipart part `file`, reporting progress (0..1) as it goes.
 * XMLHttpRequest because fetch has no upload progress.
 */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/admin/files`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(data);
      } else {
        if (xhr.status === 401) onUnauthorized();
        reject(new ApiError(xhr.status, data || { detail: xhr.statusText }));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, { title: 'Geen verbinding', detail: 'Het uploaden is mislukt.' })),
    );
    xhr.addEventListener('abort', () =>
      reject(new ApiError(0, { title: 'Afgebroken', detail: 'Het uploaden is afgebroken.' })),
    );
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
