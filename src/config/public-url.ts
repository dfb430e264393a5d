/**
 * The public origin of the service, which is also the issuer of its JWTs and the base of the
 * URLs in its OAuth metadata. Configured (HANDOFF_PUBLIC_URL), or derived from the listen address;
 * when the server picks its own port (PORT=0) the derived value is completed after listening.
 */
export class PublicUrl {
  constructor(private value: string) {}

  /** `http://host:port` without a trailing slash. */
  get origin(): string {
    return this.value;
  }

  /** An absolute URL for a path of the service. */
  to(path: string): string {
    return `${this.value}${path}`;
  }

  /** Called once the server knows the port it listens on. */
  settle(origin: string): void {
    this.value = origin;
  }

  static fromConfig(config: { publicUrl: string | undefined; server: { host: string; port: number } }): PublicUrl {
    if (config.publicUrl) return new PublicUrl(config.publicUrl);
    const { host, port } = config.server;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return new PublicUrl(`http://${shownHost}:${port}`);
  }
}
