// The desktop side of QR sign-in (SPEC §5): create a request, show its QR code and user code,
// poll at the interval the server asks for, trade the exchange token once, and say who signed in.
// The access token stays in this page's memory; an embedding page can listen for the
// `handoff:signed-in` event on document to take it.

const $ = (id) => document.getElementById(id);

/** A call to Handoff's API; a network failure is status 0. */
async function call(method, path, { body, token } = {}) {
  try {
    const response = await fetch(path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { ok: response.ok, status: response.status, data: await response.json().catch(() => ({})) };
  } catch {
    return { ok: false, status: 0, data: { message: 'Handoff cannot be reached. Check the connection, then try again.' } };
  }
}

const post = (path, body) => call('POST', path, { body });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function show(state, message) {
  document.body.dataset.state = state;
  $('status').textContent = message;
  $('waiting').hidden = state !== 'waiting';
  $('restart').hidden = !['denied', 'expired', 'error'].includes(state);
  if (!$('restart').hidden) $('restart').focus();
}

async function start() {
  show('starting', 'Preparing a sign-in code…');
  const created = await post('api/qr-auth/sessions');
  if (!created.ok) return show('error', created.data.message ?? 'Could not start a sign-in. Try again.');
  const request = created.data;
  $('qr').src = request.qr_svg_url;
  $('qr').alt = `QR code to sign in; the code is ${request.user_code}`;
  $('user-code').textContent = request.user_code;
  $('verification-link').href = request.verification_uri_complete;
  $('verification-link').textContent = request.verification_uri;
  const deadline = Date.now() + request.expires_in * 1000;
  $('expiry').textContent = `The code expires at ${new Date(deadline).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`;
  show('waiting', 'Waiting for approval on your phone…');
  await waitForApproval(request, deadline);
}

async function waitForApproval(request, deadline) {
  let interval = request.interval;
  let failures = 0;
  for (;;) {
    // Never sooner than the server asks: faster polls are answered slow_down.
    await sleep(interval * 1000);
    if (Date.now() >= deadline) return show('expired', 'Expired — try again');
    const polled = await post('api/qr-auth/poll', { device_code: request.device_code });
    if (!polled.ok) {
      // Network trouble or a server restarting: keep trying, ever more slowly, until the deadline.
      if (polled.status === 0 || polled.status >= 500) {
        interval = Math.min(interval * 2, 60);
        if (++failures === 3) $('status').textContent = 'Connection trouble — still trying…';
        continue;
      }
      return show('error', polled.data.message ?? 'Sign-in failed — try again');
    }
    failures = 0;
    switch (polled.data.status) {
      case 'pending':
      case 'slow_down':
        interval = polled.data.interval;
        continue;
      case 'approved':
        return exchange(polled.data.exchange_token);
      case 'denied':
        return show('denied', 'Denied');
      case 'expired':
        return show('expired', 'Expired — try again');
      default:
        return show('error', 'This sign-in was already completed — try again');
    }
  }
}

async function exchange(exchangeToken) {
  show('exchanging', 'Approved — signing you in…');
  const exchanged = await post('api/qr-auth/exchange', { exchange_token: exchangeToken });
  if (!exchanged.ok) return show('error', exchanged.data.message ?? 'Sign-in failed — try again');
  const accessToken = exchanged.data.access_token;
  const me = await call('GET', 'api/me', { token: accessToken });
  if (!me.ok) return show('error', me.data.message ?? 'Signed in, but the account could not be read — try again');
  const user = me.data;
  show('signed-in', `Signed in as ${user.name ?? user.email}`);
  document.dispatchEvent(new CustomEvent('handoff:signed-in', { detail: { accessToken, user } }));
}

$('restart').addEventListener('click', () => void start());
void start();
