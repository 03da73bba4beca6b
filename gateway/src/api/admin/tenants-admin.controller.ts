import { Body, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { parseBody } from '@app/http';
import { AdminController } from '../../access/api-metadata';
import { ClientAuthService } from '../../access/client-auth.service';
import { apiKeyView, tenantView } from '../../tenants/tenant-views';
import { createTenantSchema, updateTenantSchema } from '../../tenants/tenant.schemas';
import { TenantService } from '../../tenants/tenant.service';

/** Tenants and their keys (seed 003). Secrets appear once, in the answer that creates them. */
@AdminController()
export class TenantsAdminController {
  constructor(
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(ClientAuthService) private readonly auth: ClientAuthService,
  ) {}

  @Post('tenants')
  async create(@Body() body: unknown) {
    const { tenant, issued } = await this.tenants.create(parseBody(createTenantSchema, body));
    this.auth.markLocked();
    return {
      ...tenantView(tenant, [issued.key]),
      api_key: { ...apiKeyView(issued.key), key: issued.secret },
    };
  }

  @Get('tenants')
  async list() {
    const tenants = await this.tenants.list();
    const views = await Promise.all(
      tenants.map(async (tenant) => tenantView(tenant, await this.tenants.keysOf(tenant.id))),
    );
    return { object: 'list', data: views };
  }

  @Get('tenants/:id')
  async get(@Param('id') id: string) {
    const tenant = await this.tenants.get(id);
    return tenantView(tenant, await this.tenants.keysOf(id));
  }

  @Patch('tenants/:id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    const tenant = await this.tenants.update(id, parseBody(updateTenantSchema, body));
    return tenantView(tenant, await this.tenants.keysOf(id));
  }

  @Delete('tenants/:id')
  @HttpCode(200)
  async remove(@Param('id') id: string) {
    await this.tenants.remove(id);
    return { id, object: 'tenant', deleted: true };
  }

  @Post('tenants/:id/keys')
  async issueKey(@Param('id') id: string) {
    const issued = await this.tenants.issueKey(id);
    return { ...apiKeyView(issued.key), key: issued.secret };
  }

  @Delete('keys/:keyId')
  @HttpCode(200)
  async revokeKey(@Param('keyId') keyId: string) {
    return { ...apiKeyView(await this.tenants.revokeKey(keyId)), revoked: true };
  }
}
