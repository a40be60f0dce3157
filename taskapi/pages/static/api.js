// The bearer API, called from the page. The access token lives in this module's memory only:
// never in web storage or a cookie, so a reload (or closing the tab) signs out.

let accessToken = null;
let refreshToken = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function signedIn() {
  return accessToken !== null;
}

export function keepTokens(pair) {
  accessToken = pair.access_token;
  refreshToken = pair.refresh_token || null;
}

export function forgetTokens() {
  accessToken = null;
  refreshToken = null;
}

export function currentRefreshToken() {
  return refreshToken;
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}
