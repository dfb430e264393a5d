import QRCode from 'qrcode';
import { ExpiringCache } from '../common/expiring-cache.js';

export type QrImageFormat = 'svg' | 'png';
export type QrImage = string | Buffer;

/** Pending requests last minutes at most (QR_LOGIN_EXPIRY ≤ 3600 s); an image is kept this long. */
const KEEP_MS = 10 * 60_000;
/** A PNG is a few kB: a thousand images are a few MB. */
const MAX_IMAGES = 1_000;

function render(text: string, format: QrImageFormat): Promise<QrImage> {
  const options = { errorCorrectionLevel: 'M', margin: 2 } as const;
  return format === 'svg' ? QRCode.toString(text, { ...options, type: 'svg' }) : QRCode.toBuffer(text, { ...options, type: 'png', width: 320 });
}

/**
 * QR images, each rendered once (issue 12): rendering a PNG costs milliseconds of CPU, and the
 * route is public, so a flood of requests for one request's image must not render it again and
 * again. Concurrent requests share one rendering.
 */
export class QrImages {
  private readonly images = new ExpiringCache<string, Promise<QrImage>>(MAX_IMAGES);

  constructor(private readonly renderImage: (text: string, format: QrImageFormat) => Promise<QrImage> = render) {}

  get(text: string, format: QrImageFormat): Promise<QrImage> {
    const key = `${format}:${text}`;
    let image = this.images.get(key);
    if (!image) {
      image = this.renderImage(text, format);
      this.images.set(key, image, Date.now() + KEEP_MS);
      // A failed rendering is not kept: the next request tries again.
      image.catch(() => this.images.delete(key));
    }
    return image;
  }
}
