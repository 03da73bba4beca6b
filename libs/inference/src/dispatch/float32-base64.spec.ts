import { decodeFloat32Base64, encodeFloat32Base64 } from './float32-base64';

describe('float32 base64 vectors', () => {
  it('decodes exactly what was encoded, including a view into a larger buffer', () => {
    const values = Float32Array.from([0.1, -2.5, 3.4028234663852886e38, 1e-45, 0, -0]);
    expect(decodeFloat32Base64(encodeFloat32Base64(values))).toEqual(values);
    const view = new Float32Array(values.buffer, 4, 3);
    expect(decodeFloat32Base64(encodeFloat32Base64(view))).toEqual(view);
  });

  it('decodes small vectors whatever their bytes offset in Node’s buffer pool', () => {
    for (let length = 1; length < 40; length += 1) {
      const values = Float32Array.from({ length }, (_, index) => index / 7);
      Buffer.from('x'); // moves the pool's offset
      expect(decodeFloat32Base64(encodeFloat32Base64(values))).toEqual(values);
    }
  });
});
