import { Inject, Injectable } from '@nestjs/common';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import type { ConsoleSessionView } from './console-session.schemas';
import { safeEqual } from '@app/http';
import { SessionTokenCodec, type SessionClaims } from './session-token';
import type { SessionRevocations } from './session-revocations';
import { SignInThrottle } from './sign-in-throttle';

export const SESSION_REVOCATIONS = Symbol('SESSION_REVOCATIONS');
export const CONSOLE_SESSION_COOKIE = 'gw_console_session';
/**
 * Every cookie-authenticated call must carry this header. A cross-site page cannot add a custom
 * header without a CORS preflight, which the gateway never grants: with SameSite=Strict this is
 * the CSRF defence for state-changing calls.
 */
export const CONSOLE_REQUEST_HEADER = 'x-gateway-console';

/**
 * The console's sign-in: the admin key is exchanged once for an HttpOnly, SameSite=Strict cookie
 * holding a signed, expiring session token. The key itself is never stored by the browser.
 * `isSignedIn()` is what the admin guard (and, for the playground and RAG pages, the client guard)
 * asks when a request has no bearer key.
 */
@Injectable()
export class ConsoleSessions {
  private readonly codec: SessionTokenCodec | undefined;
  private readonly throttle = new SignInThrottle();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
  ) {
    const adminKey = config.controls.adminApiKey;
    this.codec = config.console.enabled && adminKey ? new SessionTokenCodec(adminKey) : undefined;
  }

  get adminKeyRequired(): boolean {
    return Boolean(this.config.controls.adminApiKey);
  }

  /** A valid, unrevoked session cookie sent by the console (its header, same origin). */
  async isSignedIn(request: FastifyRequest): Promise<boolean> {
    if (!this.codec || request.headers.cookie === undefined) return false;
    if (request.headers[CONSOLE_REQUEST_HEADER] !== '1' || !isSameOrigin(request)) return false;
    const claims = this.claimsOf(request);
    return claims !== undefined && !(await this.revocations.isRevoked(claims.sessionId));
  }

  async status(request: FastifyRequest): Promise<ConsoleSessionView> {
    if (!this.adminKeyRequired) return this.view(true, null);
    const claims = this.claimsOf(request);
    const valid = claims !== undefined && !(await this.revocations.isRevoked(claims.sessionId));
    return this.view(valid, valid ? claims.expiresAt : null);
  }

  /** Checks the key; answers the session view and the Set-Cookie header that starts it. */
  signIn(
    request: FastifyRequest,
    key: string,
  ): { session: ConsoleSessionView; setCookie: string | undefined } {
    const adminKey = this.config.controls.adminApiKey;
    if (!adminKey || !this.codec) return { session: this.view(true, null), setCookie: undefined };
    const address = request.ip;
    const retryAfter = this.throttle.retryAfterSeconds(address);
    if (retryAfter > 0) {
      throw new GatewayError(
        429,
        `Too many wrong admin keys from this address; try again in ${retryAfter} s`,
        'rate_limit_error',
        'too_many_sign_in_attempts',
        null,
        {},
        { 'retry-after': String(retryAfter) },
      );
    }
    if (!safeEqual(key, adminKey)) {
      this.throttle.recordFailure(address);
      throw new GatewayError(
        401,
        'Invalid admin API key',
        'authentication_error',
        'invalid_api_key',
        'key',
      );
    }
    this.throttle.recordSuccess(address);
    const { token, claims } = this.codec.issue(this.config.console.sessionTtlMs);
    return {
      session: this.view(true, claims.expiresAt),
      setCookie: this.cookie(request, token, Math.floor(this.config.console.sessionTtlMs / 1000)),
    };
  }

  /** Revokes the request's session (if any) and answers the Set-Cookie header that clears it. */
  async signOut(request: FastifyRequest): Promise<string> {
    const claims = this.claimsOf(request);
    if (claims) await this.revocations.revoke(claims.sessionId, claims.expiresAt);
    return this.cookie(request, '', 0);
  }

  private claimsOf(request: FastifyRequest): SessionClaims | undefined {
    const header = request.headers.cookie;
    if (!this.codec || header === undefined) return undefined;
    const token = parseCookies(header)[CONSOLE_SESSION_COOKIE];
    return token ? this.codec.verify(token) : undefined;
  }

  private cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
    return serializeCookie(CONSOLE_SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: maxAgeSeconds,
      // Adding Secure can only restrict the cookie, so a proxy's word for https is enough here.
      secure: request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https',
    });
  }

  private view(authenticated: boolean, expiresAt: number | null): ConsoleSessionView {
    return {
      object: 'console.session',
      authenticated,
      admin_key_required: this.adminKeyRequired,
      expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    };
  }
}

/** Browsers send Origin on cross-origin requests and on same-origin POST/PATCH/DELETE. */
function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
