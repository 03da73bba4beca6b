import { Counter, type CounterConfiguration } from 'prom-client';
import { LabelledChildren } from './metric-labels';

/** What one label tuple of a `SummedCounter` has counted since prom-client last collected. */
export interface CounterCell {
  value: number;
}

/**
 * A labelled prom-client counter whose increments on the request path add to a plain number per
 * label tuple; prom-client gets the sums when the registry collects (a scrape, the console's
 * provider insights). prom-client's own `inc`, even on a child from `labels()`, hashes and
 * validates the label values on every call (~0.25 µs and some garbage each; a chat request made
 * five). The values scraped are the same: collection adds everything counted before it.
 */
export class SummedCounter<Label extends string> {
  private readonly cells = new LabelledChildren((...values) => ({ values, cell: { value: 0 } }));
  /** The prom-client counter, registered in `config.registers`; it reads the cells. */
  readonly counter: Counter<Label>;

  constructor(config: Omit<CounterConfiguration<Label>, 'collect'>) {
    const cells = this.cells;
    this.counter = new Counter<Label>({
      ...config,
      collect() {
        for (const { values, cell } of cells.all()) {
          if (cell.value === 0) continue;
          this.labels(...values).inc(cell.value);
          cell.value = 0;
        }
      },
    });
  }

  /** The cell of these label values (in `labelNames` order); add to its `value`. */
  cell(...values: string[]): CounterCell {
    return this.cells.get(...values).cell;
  }
}
