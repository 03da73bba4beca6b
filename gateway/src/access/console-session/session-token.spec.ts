import { safeEqual } from '@app/http';
import { SessionTokenCodec } from './session-token';

describe('SessionTokenCodec', () => {
  const codec = new SessionTokenCodec('admin-key-one');
  const now = 1_700_000_000_000;

  it('verifies its own token until it expires', () => {
    const { token, claims } = codec.issue(60_000, now);
    expect(codec.verify(token, now + 59_999)).toEqual(claims);
    expect(codec.verify(token, now + 60_000)).toBeUndefined();
  });

  it('refuses a token signed under another admin key, or with any part changed', () => {
    const { token } = codec.issue(60_000, now);
    expect(new SessionTokenCodec('admin-key-two').verify(token, now)).toBeUndefined();
    const [expires, id, signature] = token.split('.');
    expect(codec.verify(`${Number(expires) + 1}.${id}.${signature}`, now)).toBeUndefined();
    expect(codec.verify(`${expires}.${id}x.${signature}`, now)).toBeUndefined();
    expect(codec.verify(`${expires}.${id}.${signature.slice(1)}`, now)).toBeUndefined();
    expect(codec.verify('garbage', now)).toBeUndefined();
  });

  it('never carries the admin key, and issues a fresh session id each time', () => {
    const first = codec.issue(60_000, now);
    const second = codec.issue(60_000, now);
    expect(first.token).not.toContain('admin-key-one');
    expect(first.claims.sessionId).not.toBe(second.claims.sessionId);
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'ab')).toBe(false);
  });
});
