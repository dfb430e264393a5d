// The operators' dashboard. The admin token lives in this closure only (never in storage or a
// cookie); every figure comes from /api/admin/*. Text goes in through textContent, never HTML.
(() => {
  'use strict';
  let adminToken = null;
  let chart = null;
  let tokenUser = null;
  const $ = (id) => document.getElementById(id);
  const SECTIONS = ['overview', 'sessions', 'apps', 'tokens', 'health'];

  function say(message, isError = false) {
    $('status').textContent = message;
    $('status').dataset.kind = isError ? 'error' : 'info';
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 401) {
      signOut('The admin token was refused: sign in again.');
      throw new Error('signed out');
    }
    if (!response.ok) throw new Error(data?.message ? `${data.message} (${data.code})` : `HTTP ${response.status}`);
    return data;
  }

  // ---- formatting ----
  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  function bytes(value) {
    if (value === null || value === undefined) return '–';
    let size = Number(value);
    let unit = 0;
    while (size >= 1024 && unit < UNITS.length - 1) {
      size /= 1024;
      unit += 1;
    }
    return `${unit === 0 ? size : size.toFixed(1)} ${UNITS[unit]}`;
  }
  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '–';
  }
  function age(iso) {
    const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 120) return `${Math.round(seconds)}s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
    if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
    return `${Math.round(seconds / 86400)}d`;
  }
  const number = (value) => (value === null || value === undefined ? '–' : Number(value).toLocaleString());

  // ---- tables ----
  function cell(content) {
    const td = document.createElement('td');
    if (content instanceof Node) td.append(content);
    else td.textContent = String(content);
    return td;
  }
  /** A short visible label; `name`, what a screen reader says, names the thing acted on. */
  function button(label, onClick, className = 'secondary', name = label) {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.className = className;
    if (name !== label) element.setAttribute('aria-label', name);
    element.addEventListener('click', () => {
      element.disabled = true;
      Promise.resolve(onClick()).catch((error) => say(error.message, true)).finally(() => (element.disabled = false));
    });
    return element;
  }
  function actions(...buttons) {
    const span = document.createElement('span');
    span.className = 'actions';
    span.append(...buttons);
    return span;
  }
  function fill(tableId, rows, emptyText) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = cell(emptyText);
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
      tr.append(td);
      body.append(tr);
      return;
    }
    for (const cells of rows) {
      const tr = document.createElement('tr');
      tr.append(...cells.map(cell));
      body.append(tr);
    }
  }

  // ---- sections ----
  async function loadOverview() {
    const days = $('days').value;
    const [overview, stats] = await Promise.all([api('GET', 'api/admin/overview'), api('GET', `api/admin/stats?days=${days}`)]);
    $('active-sessions').textContent = number(overview.active_sessions);
    $('validations').textContent = number(overview.validations_last_minute);
    $('refusals').textContent = number(overview.rate_limit_refusals);
    const cleanup = overview.last_cleanup;
    $('last-cleanup').textContent = cleanup ? `${when(cleanup.started_at)} (${cleanup.outcome ?? 'running'})` : 'not yet';
    fill('stats-table', stats.days.map((day) => [day.date, day.created, day.used, day.revoked, day.expired]), 'No data');
    drawChart(stats.days);
  }

  function drawChart(newestFirst) {
    const days = [...newestFirst].sort((a, b) => a.date.localeCompare(b.date));
    const data = [
      days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000),
      days.map((day) => day.created),
      days.map((day) => day.used),
      days.map((day) => day.revoked),
      days.map((day) => day.expired),
    ];
    const container = $('chart');
    const width = Math.max(280, container.clientWidth || 600);
    const options = {
      width,
      height: 260,
      tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
      series: [
        { label: 'Day', value: (_u, ts) => (ts === null ? '–' : new Date(ts * 1000).toISOString().slice(0, 10)) },
        { label: 'Created', stroke: '#2563eb', width: 2 },
        { label: 'Used', stroke: '#16a34a', width: 2 },
        { label: 'Revoked', stroke: '#dc2626', width: 2 },
        { label: 'Expired', stroke: '#9333ea', width: 2, dash: [6, 4] },
      ],
      // One tick per day at most, labelled with the UTC date.
      axes: [
        { stroke: 'currentColor', incrs: [86400, 2 * 86400, 7 * 86400], space: 40, values: (_u, ticks) => ticks.map((ts) => new Date(ts * 1000).toISOString().slice(5, 10)) },
        { stroke: 'currentColor' },
      ],
    };
    if (chart) chart.destroy();
    chart = new window.uPlot(options, data, container);
  }

  async function loadSessions() {
    const params = new URLSearchParams();
    if ($('search-email').value.trim()) params.set('email', $('search-email').value.trim());
    if ($('search-app').value.trim()) params.set('app', $('search-app').value.trim());
    if ($('search-state').value) params.set('state', $('search-state').value);
    const { sessions } = await api('GET', `api/admin/sessions?${params}`);
    fill(
      'sessions-table',
      sessions.map((session) => [
        session.id,
        session.email,
        `${session.source_app ?? '?'} → ${session.target_app ?? '?'}`,
        session.state,
        when(session.created_at),
        when(session.expires_at),
        [session.ip_address, session.user_agent].filter(Boolean).join(' · ') || '–',
        actions(
          ...(session.state === 'revoked' || session.state === 'expired'
            ? []
            : [button('Revoke', () => revokeSessions({ session_id: session.id }, `session ${session.id}`), 'danger', `Revoke session ${session.id}`)]),
          button('All of user', () => revokeSessions({ all: true, user_id: session.user_id }, `${session.email}'s sessions`), 'secondary', `Revoke every session of ${session.email}`),
        ),
      ]),
      'No session matches',
    );
  }

  async function revokeSessions(body, what) {
    const { revoked } = await api('POST', 'api/cross-app/revoke', body);
    say(`Revoked ${what}: ${revoked} session(s).`);
    await loadSessions();
  }

  async function loadApps() {
    const { apps } = await api('GET', 'api/admin/apps');
    fill(
      'apps-table',
      apps.map((app) => [
        app.name,
        app.allowed_origins.join(', ') || '–',
        app.public_client ? 'public client' : String(app.active_secrets),
        when(app.created_at),
        app.public_client
          ? '–'
          : actions(
              button('Rotate', async () => showSecret(`New secret of ${app.name}`, (await api('POST', `api/admin/apps/${app.name}/rotate-secret`)).secret), 'secondary', `Rotate the secret of ${app.name}`),
              button('Retire old', async () => {
                await api('POST', `api/admin/apps/${app.name}/retire-secret`);
                say(`Retired the older secret of ${app.name}.`);
                await loadApps();
              }, 'secondary', `Retire the older secret of ${app.name}`),
            ),
      ]),
      'No app yet',
    );
  }

  async function showSecret(label, secret) {
    $('secret-label').textContent = label;
    $('secret-value').textContent = secret;
    $('secret-box').hidden = false;
    $('copy-secret').focus();
    await loadApps();
  }

  async function addApp(event) {
    event.preventDefault();
    const name = $('app-name').value.trim();
    const origins = $('app-origins').value.split(',').map((origin) => origin.trim()).filter(Boolean);
    const created = await api('POST', 'api/admin/apps', { name, origins, public: $('app-public').checked });
    $('app-form').reset();
    if (created.secret) await showSecret(`Shared secret of ${name}`, created.secret);
    else {
      say(`Registered the public client ${name}.`);
      await loadApps();
    }
  }

  async function loadTokens() {
    const { keys } = await api('GET', 'api/admin/keys');
    fill('keys-table', keys.map((key) => [key.kid, key.algorithm, key.status, age(key.created_at), when(key.publish_until)]), 'No key yet');
    if (!tokenUser) return;
    const { tokens } = await api('GET', `api/admin/users/${tokenUser.id}/tokens`);
    $('revoke-all-tokens').disabled = tokens.every((token) => token.disabled);
    fill(
      'tokens-table',
      tokens.map((token) => [
        token.id,
        when(token.created_at),
        when(token.expires_at),
        token.disabled ? 'revoked' : 'active',
        token.disabled
          ? '–'
          : button('Revoke', async () => {
              await api('POST', `api/admin/users/${tokenUser.id}/tokens/${token.id}/revoke`);
              say(`Revoked token ${token.id}.`);
              await loadTokens();
            }, 'danger', `Revoke token ${token.id}`),
      ]),
      'No token issued to this user',
    );
  }

  async function findTokenUser(event) {
    event.preventDefault();
    const email = $('token-email').value.trim().toLowerCase();
    const { users } = await api('GET', 'api/admin/users');
    tokenUser = users.find((user) => user.email.toLowerCase() === email) ?? null;
    if (!tokenUser) {
      fill('tokens-table', [], `No user ${email}`);
      $('revoke-all-tokens').disabled = true;
      return;
    }
    await loadTokens();
  }

  async function revokeAllTokens() {
    const { revoked } = await api('POST', `api/admin/users/${tokenUser.id}/tokens/revoke-all`);
    say(`Revoked ${revoked} token(s) of ${tokenUser.email}.`);
    await loadTokens();
  }

  async function loadHealth() {
    const report = await api('GET', 'api/admin/monitor');
    fill(
      'tables-table',
      report.tables.map((t) => [t.table, number(t.live_tuples), number(t.dead_tuples), number(t.inserts), number(t.updates), number(t.deletes), when(t.last_vacuum ?? t.last_autovacuum), bytes(t.total_bytes)]),
      'No table',
    );
    fill('indexes-table', report.indexes.map((i) => [i.table, i.index, number(i.scans), bytes(i.size_bytes)]), 'No index');
  }

  const LOADERS = { overview: loadOverview, sessions: loadSessions, apps: loadApps, tokens: loadTokens, health: loadHealth };

  function show() {
    if (!adminToken) return;
    const name = SECTIONS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'overview';
    for (const section of SECTIONS) $(section).hidden = section !== name;
    for (const link of $('nav').querySelectorAll('a')) {
      if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    LOADERS[name]().catch((error) => error.message !== 'signed out' && say(error.message, true));
  }

  async function signIn(event) {
    event.preventDefault();
    adminToken = $('admin-token').value.trim();
    $('admin-token').value = '';
    try {
      await api('GET', 'api/admin/overview');
    } catch (error) {
      if (error.message !== 'signed out') say(error.message, true);
      return;
    }
    $('sign-in').hidden = true;
    $('nav').hidden = false;
    say('Signed in.');
    show();
    $('nav').querySelector('a').focus();
  }

  function signOut(message) {
    adminToken = null;
    tokenUser = null;
    for (const section of SECTIONS) $(section).hidden = true;
    $('secret-box').hidden = true;
    $('secret-value').textContent = '';
    $('nav').hidden = true;
    $('sign-in').hidden = false;
    say(message, message !== 'Signed out.');
    $('admin-token').focus();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut('Signed out.'));
    window.addEventListener('hashchange', show);
    $('days').addEventListener('change', () => loadOverview().catch((error) => say(error.message, true)));
    $('session-search').addEventListener('submit', (event) => {
      event.preventDefault();
      loadSessions().catch((error) => say(error.message, true));
    });
    $('app-form').addEventListener('submit', (event) => addApp(event).catch((error) => say(error.message, true)));
    $('token-search').addEventListener('submit', (event) => findTokenUser(event).catch((error) => say(error.message, true)));
    $('revoke-all-tokens').addEventListener('click', () => revokeAllTokens().catch((error) => say(error.message, true)));
    $('copy-secret').addEventListener('click', () => {
      navigator.clipboard
        .writeText($('secret-value').textContent)
        .then(() => say('Secret copied.'))
        .catch(() => say('Copying is not allowed here: select the secret and copy it.', true));
    });
    window.addEventListener('resize', () => chart && chart.setSize({ width: Math.max(280, $('chart').clientWidth), height: 260 }));
    $('admin-token').focus();
  });
})();
