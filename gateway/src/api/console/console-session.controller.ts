import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBody } from '@app/http';
import { consoleSignInSchema } from '../../access/console-session/console-session.schemas';
import { ConsoleSessions } from '../../access/console-session/console-sessions';

/**
 * Sign-in for the browser console. Deliberately outside /admin: the admin audit log records
 * request bodies, and this body is the admin key.
 */
@Controller('ui/session')
export class ConsoleSessionController {
  constructor(@Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

  @Get()
  status(@Req() request: FastifyRequest) {
    return this.sessions.status(request);
  }

  @Post()
  @HttpCode(200)
  signIn(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
  ) {
    const { key } = parseBody(consoleSignInSchema, body);
    const { session, setCookie } = this.sessions.signIn(request, key);
    reply.header('cache-control', 'no-store');
    if (setCookie) reply.header('set-cookie', setCookie);
    return session;
  }

  @Delete()
  @HttpCode(200)
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('set-cookie', await this.sessions.signOut(request));
    return {
      object: 'console.session',
      authenticated: false,
      admin_key_required: this.sessions.adminKeyRequired,
      expires_at: null,
    };
  }
}
