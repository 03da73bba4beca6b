import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import type { Logger } from 'pino';
import { secretMatcher } from '@app/http';
import { LOGGER } from '../logging/logger';
import { ADMIN, ANONYMOUS, type Principal } from '../request/principal';
import { API_KEY_PREFIX, cachedApiKeyHash } from '../tenants/api-key';
import { CredentialCache } from '../tenants/credential-cache';
import type { Credential } from '../persistence/records';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Who may call `/v1/*` and `/ai/*`. Open while there is no ADMIN_API_KEY and no tenant; once
 * either exists every call needs `Authorization: Bearer gw-sk-…` (or the admin key itself).
 * "Locked" is remembered: a replica never reopens by itself, even if every tenant is deleted.
 */
@Injectable()
export class ClientAuthService implements OnApplicationBootstrap {
  private locked: boolean;
  /**
   * Whether a key is the admin key (constant time). Undefined without ADMIN_API_KEY, or when it
   * has the tenant key prefix none of whose keys can equal it, so tenant keys skip the hash.
   */
  private readonly isAdminKey: ((token: string) => boolean) | undefined;
  private readonly adminKeyHasTenantPrefix: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const adminKey = config.controls.adminApiKey;
    this.locked = Boolean(adminKey);
    this.isAdminKey = adminKey ? secretMatcher(adminKey) : undefined;
    this.adminKeyHasTenantPrefix = adminKey?.startsWith(API_KEY_PREFIX) ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.isLocked()) return;
    const host = this.config.server.host;
    this.logger.warn(
      { host },
      LOOPBACK.has(host)
        ? 'No ADMIN_API_KEY and no tenants: /v1/* is open to anyone who can reach this host (bound to loopback)'
        : `No ADMIN_API_KEY and no tenants: /v1/* is open to anyone who can reach ${host}; set ADMIN_API_KEY`,
    );
  }

  markLocked(): void {
    this.locked = true;
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    const tenantKey = token?.startsWith(API_KEY_PREFIX) ?? false;
    // A tenant-prefixed key can equal the admin key only if the admin key has that prefix too.
    if (token && this.isAdminKey && (!tenantKey || this.adminKeyHasTenantPrefix))
      if (this.isAdminKey(token)) return ADMIN;
    if (tenantKey) {
      // A key looked up within API_KEY_CACHE_TTL_MS is answered without another await.
      const hash = cachedApiKeyHash(token!);
      const known = this.credentials.fresh(hash);
      return this.tenantPrincipal(known ? known.credential : await this.credentials.find(hash));
    }
    if (!(await this.isLocked())) return ANONYMOUS;
    if (!token)
      throw new GatewayError(
        401,
        'Missing API key: send Authorization: Bearer gw-sk-…',
        'authentication_error',
        'missing_api_key',
      );
    throw invalidKey();
  }

  private tenantPrincipal(credential: Credential | undefined): Principal {
    if (!credential) throw invalidKey();
    if (credential.key.revokedAt) {
      throw new GatewayError(
        401,
        'This API key has been revoked',
        'authentication_error',
        'revoked_api_key',
      );
    }
    if (credential.tenant.disabled) {
      throw new GatewayError(
        403,
        'This API key belongs to a disabled tenant',
        'permission_error',
        'tenant_disabled',
      );
    }
    this.locked = true;
    return { kind: 'tenant', tenant: credential.tenant, keyId: credential.key.id };
  }

  private async isLocked(): Promise<boolean> {
    if (!this.locked && (await this.credentials.hasTenants())) this.locked = true;
    return this.locked;
  }
}

function invalidKey(): GatewayError {
  return new GatewayError(
    401,
    'Incorrect API key provided',
    'authentication_error',
    'invalid_api_key',
  );
}
