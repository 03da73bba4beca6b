import { named, type ApiOperation } from '../api-operation';
import {
  consoleSessionSchema,
  consoleSignInSchema,
} from '../../access/console-session/console-session.schemas';

const session = named('ConsoleSession', consoleSessionSchema);

export const consoleOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/ui/session',
    tag: 'Console',
    auth: 'none',
    summary: 'Whether this browser is signed in to the console',
    responses: [{ status: 200, description: 'Session state', body: session }],
    errors: [],
  },
  {
    method: 'post',
    path: '/ui/session',
    tag: 'Console',
    auth: 'none',
    summary: 'Sign in: exchange ADMIN_API_KEY for a session cookie',
    description:
      'Sets `gw_console_session` (HttpOnly, SameSite=Strict, Path=/, Secure over https), valid for UI_SESSION_TTL_MINUTES. Ten wrong keys from one address in five minutes are answered 429.',
    requestBody: named('ConsoleSignIn', consoleSignInSchema),
    responses: [{ status: 200, description: 'Signed in', body: session }],
    errors: [400, 401, 429],
  },
  {
    method: 'delete',
    path: '/ui/session',
    tag: 'Console',
    auth: 'none',
    summary: 'Sign out: revoke the session and clear the cookie',
    responses: [{ status: 200, description: 'Signed out', body: session }],
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    auth: 'none',
    summary: 'This document (OpenAPI 3.1)',
    description: 'Rendered at `/docs`.',
    responses: [{ status: 200, description: 'The OpenAPI document' }],
    errors: [],
  },
];
