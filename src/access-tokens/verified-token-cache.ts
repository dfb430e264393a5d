/**
 * Tokens whose signature and claims have been verified, keyed by the token's SHA-256, kept until
 * they expire. A client sends the same token with every request; checking its signature once
 * (about 0.2 ms of CPU with ES256) instead of every time is most of the cost of authentication.
 * Only the cryptography is remembered: the registry row is read on every request, so a
 * revocation still takes effect at once. Failures are never cached.
 */
export class VerifiedTokenCache<T extends { readonly expiresAt: number }> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries = 10_000) {}

  get(tokenHash: string): T | undefined {
    const entry = this.entries.get(tokenHash);
    if (entry && entry.expiresAt * 1000 <= Date.now()) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry;
  }

  set(tokenHash: string, value: T): void {
    // Oldest first out (a Map iterates in insertion order): bounded whatever the traffic.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, value);
  }
}
