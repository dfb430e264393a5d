/**
 * The public origin of the service, which is also the issuer of its JWTs and the base of the
 * URLs in its OAuth metadata. Configured (HANDOFF_PUBLIC_URL), or derived from HOST and PORT the
 * same way in the server and the CLI, so that both agree on the issuer; only when the server
 * picks its own port (PORT=0) is the derived value completed after listening.
 */
export class PublicUrl {
  /** `basePath`: the route prefix a host app mounts Handoff under (`/auth`), or empty. */
  constructor(
    private value: string,
    private readonly basePath = '',
  ) {}

  /** `http://host:port` without a trailing slash. */
  get origin(): string {
    return this.value;
  }

  /** An absolute URL for a path of the service (under the host's route prefix, if any). */
  to(path: string): string {
    return `${this.value}${this.basePath}${path}`;
  }

  /** The same origin with Handoff's routes under `prefix` (no leading or trailing slash). */
  under(prefix: string | undefined): PublicUrl {
    return prefix ? new PublicUrl(this.value, `/${prefix}`) : this;
  }

  /** With PORT=0 the derived origin learns its port once the server listens. */
  settlePort(port: number): void {
    const url = new URL(this.value);
    url.port = String(port);
    this.value = url.origin;
  }

  static fromConfig(config: { publicUrl: string | undefined; server: { host: string; port: number } }): PublicUrl {
    if (config.publicUrl) return new PublicUrl(config.publicUrl);
    const { host, port } = config.server;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return new PublicUrl(`http://${shownHost}:${port}`);
  }
}
