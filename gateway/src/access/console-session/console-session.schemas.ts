import { z } from 'zod';

/** `POST /ui/session`: the admin key, exchanged for a session cookie. */
export const consoleSignInSchema = z.strictObject({
  key: z.string().min(1).max(4096),
});

/** What the console learns about its sign-in (`GET`/`POST /ui/session`). */
export const consoleSessionSchema = z.object({
  object: z.literal('console.session'),
  authenticated: z.boolean(),
  /** False when the gateway has no ADMIN_API_KEY: the admin API is open and no sign-in exists. */
  admin_key_required: z.boolean(),
  expires_at: z.string().nullable(),
});

export type ConsoleSessionView = z.infer<typeof consoleSessionSchema>;
