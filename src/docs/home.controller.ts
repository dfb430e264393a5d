import { Controller, Get, Header } from '@nestjs/common';
import { NotApi } from './api-doc.decorator.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/** No script, styles from this origin only: the page is a list of links. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HOME_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Handoff</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="qr-login/assets/pages.css">
</head>
<body>
<main>
<h1>Handoff</h1>
<p>Cross-application authentication tokens: handoffs between apps, QR-code login, an access-token registry.</p>
<ul>
<li><a href="admin">Dashboard</a>: sessions, target apps, tokens, health (admin token)</li>
<li><a href="docs">API documentation</a> (OpenAPI)</li>
<li><a href="qr">Sign in with a QR code</a> and <a href="device">approve a sign-in</a></li>
<li><a href="health/ready">Health</a> · <a href=".well-known/oauth-authorization-server">OAuth metadata</a></li>
</ul>
</main>
</body>
</html>
`;

/** `GET /` leads somewhere: a newcomer opening the server's address finds its pages. */
@NotApi()
@HandoffRoutes()
@Controller()
export class HomeController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('x-frame-options', 'DENY')
  @Header('cache-control', 'no-cache')
  home(): string {
    return HOME_PAGE;
  }
}
