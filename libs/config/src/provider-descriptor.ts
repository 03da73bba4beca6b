import type { z } from 'zod';
import type { ProviderSettings } from './app-config.types';
import type { CoreEnv } from './env.schema';

/**
 * Which summary of `GET /health` a provider counts toward (`copilot_available`, `cloud_available`,
 * `local_available`), and where a YAML-only provider goes in the default chain.
 */
export type ProviderTier = 'copilot' | 'cloud' | 'local';

/** The order of the tiers in the default chain: the seeds' "copilot, then cloud, local last". */
export const PROVIDER_TIERS: readonly ProviderTier[] = ['copilot', 'cloud', 'local'];

/** A descriptor's environment variables, as zod parsers keyed by variable name. */
export type EnvVariables = z.core.$ZodShape;

/** What `fromEnv` reads: the core variables plus the descriptor's own, parsed. */
export type ProviderEnv<Variables extends EnvVariables> = CoreEnv &
  z.output<z.ZodObject<Variables>>;

/**
 * What a descriptor's `fromEnv` returns; the loader adds the descriptor's `id`, `type` and
 * `aliases`, no extra headers, and `models: [defaultModel]` when `models` is absent.
 */
export interface ProviderFromEnv<Settings extends ProviderSettings> {
  baseUrl?: string;
  apiKey?: string;
  defaultModel: string;
  models?: string[];
  embeddingModel?: string;
  options: Settings;
}

/**
 * The configuration half of a provider descriptor: everything `libs/config` needs to read a
 * provider from env vars and from the YAML file. The gateway's `ProviderDescriptor`
 * (`gateway/src/providers/provider-descriptor.ts`, where the design is written down) extends it
 * with the builder and the field table; `libs/config` never imports the gateway, the gateway
 * hands its list of descriptors to `loadConfig`.
 *
 * `fromEnv` and `resolveBaseUrl` are methods, not function properties, on purpose: a list of
 * descriptors with different settings is then one `ProviderConfigDescriptor[]`.
 */
export interface ProviderConfigDescriptor<
  Settings extends ProviderSettings = ProviderSettings,
  Variables extends EnvVariables = EnvVariables,
> {
  /** `type` in GATEWAY_CONFIG and in `ProviderConfig`; unique in the list. */
  readonly type: string;
  /** The id of the provider that env vars configure (e.g. "openai" for `openai-compatible`). */
  readonly id: string;
  /** Other names that pin the env-configured provider (e.g. "claude"). */
  readonly aliases: readonly string[];
  readonly tier: ProviderTier;
  /** false: calls cost nothing (the price table charges 0 unless config prices that exact model). */
  readonly billed: boolean;
  /** The env vars only this provider reads; a variable belongs to one descriptor (or the core). */
  readonly env: Variables;
  /**
   * The provider env vars configure, or undefined when they configure none (no key, or turned
   * off). Inconsistent variables go to `problems`, each naming its variables.
   */
  fromEnv(env: ProviderEnv<Variables>, problems: string[]): ProviderFromEnv<Settings> | undefined;
  /** Parses YAML `options` (strict: an unknown key is an error naming it). */
  readonly settings: z.ZodType<Settings>;
  /** The upstream URL for a configured one: a default, or a normalisation (Ollama's `/v1`). */
  resolveBaseUrl?(configured: string | undefined): string | undefined;
}
