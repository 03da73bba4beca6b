import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { AdminGuard } from './admin/admin.guard';
import { CircuitsAdminController } from './admin/circuits-admin.controller';
import { ChatCompletionService } from './chat/chat-completion.service';
import { ConsoleModule } from './console/console.module';
import {
  observabilityExports,
  observabilityProviders,
  productionControlControllers,
  productionControlImports,
  productionControlProviders,
} from './controls/production-controls';
import { HealthController } from './health/health.controller';
import { ProviderStatusService } from './health/provider-status.service';
import { AiQueryController } from './http/ai-query.controller';
import { ChatCompletionsController } from './http/chat-completions.controller';
import { EmbeddingsController } from './http/embeddings.controller';
import { ModelsController } from './http/models.controller';
import { LocalTierShutdown, localProviderServices } from './local/local-tier';
import { LOGGER } from './logging/logger';
import { OpenApiModule } from './openapi/openapi.module';
import { ragProviders } from './rag/rag-backend.factory';
import { RagController } from './rag/rag.controller';
import { PROVIDER_SERVICES, ROUTER_OBSERVERS, RoutingModule } from './routing/routing.module';

/** Process-wide values every module may inject: the config, the logger, observer and service hooks. */
@Global()
@Module({})
class CoreModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        ...observabilityProviders,
        { provide: PROVIDER_SERVICES, useValue: { ...localProviderServices(config) } },
        LocalTierShutdown,
      ],
      exports: [APP_CONFIG, LOGGER, ROUTER_OBSERVERS, PROVIDER_SERVICES, ...observabilityExports],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, logger),
        RoutingModule.register(),
        ...productionControlImports,
        ConsoleModule.register(config),
        OpenApiModule,
      ],
      controllers: [
        ChatCompletionsController,
        EmbeddingsController,
        ModelsController,
        AiQueryController,
        HealthController,
        CircuitsAdminController,
        RagController,
        ...productionControlControllers,
      ],
      providers: [
        ChatCompletionService,
        ProviderStatusService,
        AdminGuard,
        ...productionControlProviders,
        ...ragProviders,
      ],
    };
  }
}
