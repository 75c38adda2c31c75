/**
 * bench:risk's baseline: a bare `node:http` server that parses each JSON array of updates and
 * inserts them into PostgreSQL with one multi-row INSERT, and answers 202. No signature, no
 * validation, no dedupe, no ordering lock, no evaluation: the floor the real pipeline is compared to.
 */
import http from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 8 });
const sql = `INSERT INTO bench_baseline_updates (account, seq, t, kind, balance, equity, open_positions)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::int[])`;

const server = http.createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200).end("ok");
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const items = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Array<Record<string, unknown>>;
      const col = (k: string) => items.map((u) => (u[k] ?? null) as unknown);
      await pool.query(sql, [
        col("account"),
        col("seq"),
        col("t"),
        col("type"),
        col("balance"),
        col("equity"),
        col("openPositions"),
      ]);
      res.writeHead(202, { "content-type": "application/json" }).end(`{"accepted":${items.length}}`);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => process.exit(0));
