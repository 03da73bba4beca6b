/**
 * # A provider is a descriptor
 *
 * Each provider folder (`providers/<name>/`) exports one `<name>.descriptor.ts`: a typed object
 * that says everything the rest of the gateway needs to know about that provider, and
 * `provider-list.ts` lists them, one line each. Everything that used to name providers one by
 * one derives from that list:
 *
 * | what                               | derives from                                            |
 * |------------------------------------|---------------------------------------------------------|
 * | the env schema (`libs/config`)     | core variables ∪ each descriptor's `env` (one parse)    |
 * | env-only providers                 | each descriptor's `fromEnv`, in list order              |
 * | YAML `type` and `options`          | a discriminated union of descriptor types and `settings` |
 * | default chain, PROVIDER_ORDER names| `tier` (copilot → cloud → local), `id` and `aliases`     |
 * | the factory (`provider-factory.ts`)| `build` of the descriptor whose `type` the config names |
 * | `/health` copilot/cloud/local      | `tier`                                                  |
 * | the price table's free providers   | `billed`                                                |
 * | which request fields are honoured  | `fields` (the adapter enforces the same table)          |
 *
 * Adding a provider is its folder (adapter + descriptor), its fake in `libs/testing/src/fakes`,
 * one line in `provider-list.ts`, and its variables in `.env.example` (the documentation, which a
 * spec checks).
 *
 * ## Where the halves live
 * `libs/config` must not import the gateway, and the worker (which calls the config loader too)
 * needs no providers. So the configuration half of the interface (`ProviderConfigDescriptor`:
 * type, id, aliases, tier, billed, env, fromEnv, settings) is declared in `libs/config`, which
 * loads configuration *for a list of descriptors it is given*. The gateway composes: its
 * `loadGatewayConfig` passes `PROVIDER_DESCRIPTORS`; the worker calls `loadCoreConfig`, which
 * reads only the core variables. This interface adds what only the gateway needs, the builder and
 * the field table, so a descriptor is still one object in one file of its provider's folder.
 *
 * ## Laziness
 * Descriptor files import only zod, the env parsers and their field table. `build` `require`s its
 * adapter when it runs, so a gateway in front of OpenAI alone never loads the Anthropic, Gemini or
 * AWS SDKs (about 50 MB of resident memory between them; idle RSS is measured by
 * `bench:overhead`). `require` and not `import()`: the build is CommonJS and boot is synchronous.
 *
 * ## Types
 * `Settings` is the provider's YAML `options` (and what `fromEnv` fills in), validated by its
 * `settings` schema, so `build` receives `ProviderConfig<Settings>`. Write a descriptor with
 * `defineProvider(...)` so `Settings` and the env variables are inferred; the list holds them as
 * `ProviderDescriptor` (the methods' parameters are bivariant, which is what makes one list of
 * differently-typed descriptors possible without `any`).
 */
import type {
  EnvVariables,
  ProviderConfig,
  ProviderConfigDescriptor,
  ProviderSettings,
  RoutingConfig,
} from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { Logger } from 'pino';
import type { ChatProvider } from './chat-provider';
import type { FieldTable } from './shared/field-support';

/** What builders may need besides their own config; the same for every provider. */
export interface ProviderBuildContext {
  routing: RoutingConfig;
  /** The local tier's dispatcher; present when a `local` provider is configured. */
  localDispatcher?: LocalDispatcher;
  /** WORKER_MAX_QUEUE: local jobs waiting beyond this are answered 503 at once. */
  localMaxQueue: number;
  /** The gateway's structured log, for what an adapter's SDK would otherwise print. */
  logger?: Pick<Logger, 'warn' | 'error' | 'info' | 'debug'>;
}

export interface ProviderDescriptor<
  Settings extends ProviderSettings = ProviderSettings,
  Variables extends EnvVariables = EnvVariables,
> extends ProviderConfigDescriptor<Settings, Variables> {
  /**
   * Which OpenAI request fields the adapter translates, handles or rejects (its `assertSupported`
   * enforces this very table); `pass-through` for upstreams that speak OpenAI's wire format and
   * answer for every field themselves.
   */
  readonly fields: FieldTable | 'pass-through';
  /**
   * Model-id families the provider serves beyond its configured models, as patterns where `*`
   * matches anything (`claude-*`): a request naming such a model routes to this provider first,
   * then to the rest of the default chain, like a model it lists.
   */
  readonly modelFamilies?: readonly string[];
  /** Builds the adapter, requiring its module only now (see "Laziness" above). */
  build(config: ProviderConfig<Settings>, context: ProviderBuildContext): ChatProvider;
}

/** Declares a descriptor with its settings and env variables inferred from the schemas. */
export function defineProvider<Settings extends ProviderSettings, Variables extends EnvVariables>(
  descriptor: ProviderDescriptor<Settings, Variables>,
): ProviderDescriptor<Settings, Variables> {
  return descriptor;
}
