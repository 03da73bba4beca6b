import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TRACING, type Tracing } from '@app/tracing';

/**
 * Exports the spans still buffered when the app closes. Nest runs shutdown hooks after the HTTP
 * server has closed, so the last requests' spans have ended by then.
 */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
