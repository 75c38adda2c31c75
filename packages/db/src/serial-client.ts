import pg from "pg";

/**
 * A pg client that runs the queries handed to it together one after another itself. Inside a
 * transaction every query goes to one connection; a unit of work that asks for several at once
 * (`Promise.all` of reads, on Prisma or on the plain-SQL path) relied on pg's internal queue, which
 * pg 8.19 deprecates and pg 9 removes ("Calling client.query() when the client is already executing
 * a query"). Every pool of the data layer makes its connections with this class.
 */
export class SerialClient extends pg.Client {
  #tail: Promise<unknown> = Promise.resolve();

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; all pass through.
  override query(...args: any[]): any {
    const callback = typeof args[args.length - 1] === "function";
    const submittable = typeof args[0]?.submit === "function";
    // Callback and submittable queries (cursors, streams) keep pg's own handling.
    if (callback || submittable) return super.query(...(args as [string]));
    const run = this.#tail.then(() => super.query(...(args as [string])));
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
