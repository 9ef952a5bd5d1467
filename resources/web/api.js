// The hub's HTTP API for the console: sign in, sign out, who am I. Plain-language errors.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export async function call(method, path, { body, csrf } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf) headers["X-CSRF-Token"] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "unreachable", "The hub cannot be reached. Check your network and try again.");
  }
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  if (!response.ok) {
    const retry = Number(data.retry_after ?? response.headers.get("Retry-After")) || null;
    const err = new ApiError(response.status, data.error || "error", data.message || "Something went wrong.", retry);
    if (typeof data.field === "string") err.field = data.field; // which form field a 422 is about
    throw err;
  }
  return data;
}

export const login = (username, password) => call("POST", "/api/login", { body: { username, password } });
export const logout = (csrf) => call("POST", "/api/logout", { body: {}, csrf });
export const me = () => call("GET", "/api/me");

function waitText(seconds) {
  if (!seconds) return "a little while";
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The sentence to show for a failed sign-in. */
export function signInMessage(err) {
  switch (err.status) {
    case 401: return "The username or password is wrong. Check them and try again.";
    case 423: {
      const until = err.retryAfter ? new Date(Date.now() + err.retryAfter * 1000) : null;
      const at = until ? ` You can try again at ${until.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} (in ${waitText(err.retryAfter)}).` : "";
      return `This account is locked after too many wrong passwords.${at}`;
    }
    case 429: return `Too many sign-in attempts from this computer. Please wait ${waitText(err.retryAfter)} and try again.`;
    case 0: return err.message;
    default: return `Sign-in failed: ${err.message}`;
  }
}
