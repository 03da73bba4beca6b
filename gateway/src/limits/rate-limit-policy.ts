import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Principal } from '../request/principal';

/** Throttler windows are one minute: limits are "per minute" (RPM, TPM). */
export const MINUTE_MS = 60_000;

/** The limits that apply to a caller: the tenant's own, else RATE_LIMIT_RPM / RATE_LIMIT_TPM; 0 = none. */
@Injectable()
export class RateLimitPolicy {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  requestsPerMinute(principal: Principal): number {
    const own = principal.kind === 'tenant' ? principal.tenant.rateLimitRpm : undefined;
    return own ?? this.config.controls.rateLimitRpm;
  }

  tokensPerMinute(principal: Principal): number {
    const own = principal.kind === 'tenant' ? principal.tenant.tokensPerMinute : undefined;
    return own ?? this.config.controls.rateLimitTpm;
  }

  /**
   * The counter a caller's requests go to: one per tenant (shared by its keys and by every
   * gateway replica), the admin key, or the client address when the gateway is open.
   */
  requestCounterKey(principal: Principal, ip: string): string {
    if (principal.kind === 'tenant') return `rpm:${principal.tenant.id}`;
    return principal.kind === 'admin' ? 'rpm:admin' : `rpm:ip:${ip}`;
  }
}

export function currentMinute(now = Date.now()): number {
  return Math.floor(now / MINUTE_MS);
}
