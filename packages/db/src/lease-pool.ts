import { AppError } from "@propdesk/domain";
import pg from "pg";
import { SerialClient } from "./serial-client";

/**
 * A text whose last statement ends the transaction (alone, or after others sent in the same simple
 * query); `ROLLBACK TO SAVEPOINT` does not.
 */
const endsTransaction = /(?:^|;)\s*(commit|rollback|end|abort)\s*;?\s*$/i;
const endsAfterOthers = /;\s*(commit|rollback|end|abort)\s*;?\s*$/i;
/** Only a text's end can say so (a checkpoint's text is hundreds of kilobytes). */
const endsTransactionText = (text: string) =>
  text.length <= 64 ? endsTransaction.test(text) : endsAfterOthers.test(text.slice(-64));

export const unitOfWorkEndedMessage =
  "The unit of work had already ended (committed, rolled back or timed out) when this statement was sent; it was not run.";

type QueryArgs = Parameters<pg.PoolClient["query"]>;

function textOf(args: unknown[]): string | undefined {
  const first = args[0] as string | { text?: unknown } | undefined;
  if (typeof first === "string") return first;
  return typeof first?.text === "string" ? first.text : undefined;
}

/**
 * One checkout of a pooled connection. Statements sent after the lease's transaction ended, or
 * after the lease was released, are refused instead of reaching the connection: by then the
 * connection may be idle with no tenant set, or lent to another unit of work, possibly another
 * tenant's. Prisma's transaction timer releases a connection while a query plan is half run; a
 * plain-SQL unit of work whose `Promise.all` fails early ends while a sibling branch goes on.
 */
class Lease {
  #client: pg.PoolClient;
  #open = true;
  #released = false;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; all pass through.
  query(...args: any[]): any {
    if (!this.#open) {
      const error = new AppError("INTERNAL", unitOfWorkEndedMessage);
      const callback = args[args.length - 1];
      if (typeof callback === "function") {
        process.nextTick(() => callback(error));
        return undefined;
      }
      return Promise.reject(error);
    }
    const text = textOf(args);
    // The statement that ends the transaction is the last one this lease sends.
    if (text !== undefined && endsTransactionText(text)) this.#open = false;
    return this.#client.query(...(args as QueryArgs));
  }

  release(error?: Error | boolean): void {
    if (this.#released) throw new Error("Release called on a lease that was already released to the pool.");
    this.#open = false;
    this.#released = true;
    this.#client.release(error);
  }

  on(event: string, listener: (...a: unknown[]) => void): this {
    this.#client.on(event as "error", listener);
    return this;
  }

  removeListener(event: string, listener: (...a: unknown[]) => void): this {
    this.#client.removeListener(event, listener);
    return this;
  }
}

/**
 * The data layer's connection pool: connections are `SerialClient`s and every checkout is a
 * lease (see `Lease`). Callback checkouts, which pg uses internally for `pool.query`, are plain.
 */
export class LeasePool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super({ Client: SerialClient, ...config });
  }

  // biome-ignore lint/suspicious/noExplicitAny: the promise form is wrapped; pg's callback form passes through.
  override connect(...args: any[]): any {
    if (typeof args[0] === "function") return super.connect(args[0]);
    return super.connect().then((client) => new Lease(client) as unknown as pg.PoolClient);
  }
}
