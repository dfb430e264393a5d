// The phone side of QR sign-in (SPEC §5): with the user's access token, look up the request by
// its user code, show which browser and address ask and when, and approve or deny it.
// The token comes from `#access_token=…` (moved into sessionStorage and off the address bar), or
// from the `handoff.accessToken` entry that the app signing the user in left in session or local
// storage. Without one, the page asks as whoever the host app's own session cookie says (a host
// that embeds Handoff signs its users in itself); failing all of those, the user pastes a token.
// Paths are relative: the page works under any route prefix a host mounts Handoff at.

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'handoff.accessToken';

function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('access_token');
  if (fragment) {
    sessionStorage.setItem(TOKEN_KEY, fragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
}

let token = takeToken();
let userCode = new URLSearchParams(location.search).get('user_code') ?? '';

function show(state, message = '') {
  document.body.dataset.state = state;
  $('status').textContent = message;
  $('token-form').hidden = state !== 'sign-in';
  $('code-form').hidden = state !== 'enter-code';
  $('request').hidden = state !== 'confirm';
}

/** A call to Handoff's API as the signed-in user; a network failure is status 0. */
async function api(method, path, body) {
  try {
    const response = await fetch(path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { ok: response.ok, status: response.status, data: await response.json().catch(() => ({})) };
  } catch {
    return { ok: false, status: 0, data: { message: 'Handoff cannot be reached. Check the connection, then try again.' } };
  }
}

async function start() {
  const me = await api('GET', 'api/me');
  if (me.status === 401) {
    if (!token) return show('sign-in');
    // A stale token: forget it everywhere, and try once more as the host app's session, if any.
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
    token = null;
    const again = await api('GET', 'api/me');
    if (!again.ok) return show('sign-in', 'That access token is not valid (any more). Paste another.');
    return signedIn(again.data);
  }
  if (!me.ok) return show('error', me.data.message ?? 'Handoff cannot be reached.');
  await signedIn(me.data);
}

async function signedIn(user) {
  $('who').hidden = false;
  $('who').textContent = `Signed in as ${user.name ?? user.email}`;
  if (!userCode) return enterCode();
  await lookUp();
}

function enterCode(message = '') {
  show('enter-code', message);
  $('user-code').value = userCode;
  $('user-code').focus();
}

async function lookUp() {
  show('looking-up', 'Looking up the request…');
  const found = await api('GET', `api/qr-auth/pending?user_code=${encodeURIComponent(userCode)}`);
  if (!found.ok) return enterCode(found.data.message ?? 'No such request.');
  const request = found.data;
  $('request-code').textContent = request.user_code;
  // An OAuth client (a CLI, a TV app) names itself; the /qr page's requests have none.
  $('request-client').textContent = request.client_id ?? '';
  $('request-client').hidden = $('request-client-label').hidden = !request.client_id;
  $('request-browser').textContent = request.browser ?? request.user_agent ?? 'unknown';
  $('request-ip').textContent = request.ip_address ?? 'unknown';
  $('request-time').textContent = new Date(request.requested_at).toLocaleString();
  show('confirm');
  // The question, not the Approve button: a stray Enter must not approve.
  $('request-title').focus();
}

async function decide(decision) {
  $('approve').disabled = $('deny').disabled = true;
  const decided = await api('POST', 'api/qr-auth/approve', { user_code: userCode, decision });
  $('approve').disabled = $('deny').disabled = false;
  if (!decided.ok) return enterCode(decided.data.message ?? 'That did not work.');
  show(
    decided.data.status,
    decided.data.status === 'approved' ? 'Approved. The other screen signs in now.' : 'Denied. The other screen will not sign in.',
  );
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  void start();
});
$('code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  userCode = $('user-code').value;
  void lookUp();
});
$('approve').addEventListener('click', () => void decide('approve'));
$('deny').addEventListener('click', () => void decide('deny'));
void start();
