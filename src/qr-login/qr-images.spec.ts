import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QrImages } from './qr-images.js';

// Issue 12: a flood of /api/qr-auth/qr.png must not render the same image again and again.
describe('QR images', () => {
  test('are rendered once per text and format, also for concurrent requests', async () => {
    let renders = 0;
    const images = new QrImages(async (text, format) => {
      renders++;
      return `${format}:${text}`;
    });
    const many = await Promise.all(Array.from({ length: 100 }, () => images.get('https://x.test/device?user_code=WDJB-MJHT', 'png')));
    assert.equal(renders, 1);
    assert.ok(many.every((image) => image === 'png:https://x.test/device?user_code=WDJB-MJHT'));
    await images.get('https://x.test/device?user_code=WDJB-MJHT', 'svg');
    await images.get('https://x.test/device?user_code=BCDF-GHJK', 'png');
    assert.equal(renders, 3);
  });

  test('a failed rendering is tried again', async () => {
    let renders = 0;
    const images = new QrImages(async () => {
      renders++;
      if (renders === 1) throw new Error('boom');
      return 'image';
    });
    await assert.rejects(images.get('t', 'png'));
    assert.equal(await images.get('t', 'png'), 'image');
  });

  test('renders a real PNG', async () => {
    const png = (await new QrImages().get('https://x.test/device?user_code=WDJB-MJHT', 'png')) as Buffer;
    assert.deepEqual([...png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join(''), 'PNG');
  });
});
