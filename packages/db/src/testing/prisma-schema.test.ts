import { describe, expect, it } from "vitest";
import { expectedPgType, parsePrismaSchema } from "./prisma-schema";

describe("the schema.prisma reader used by the schema-agreement test", () => {
  const models = parsePrismaSchema(`
model Widget {
  tenantId String   @map("tenant_id") @db.Uuid
  id       String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  label    String?  // a comment
  amount   BigInt
  tags     String[]
  at       DateTime @db.Timestamptz(6)
  tenant   Tenant   @relation(fields: [tenantId], references: [id])
  @@id([tenantId, id])
  @@map("widgets")
}
`);

  it("reads table names, columns, optionality and the primary key, skipping relation fields", () => {
    expect(models).toHaveLength(1);
    const w = models[0]!;
    expect(w.table).toBe("widgets");
    expect(w.primaryKey).toEqual(["tenant_id", "id"]);
    expect(w.columns.map((c) => [c.column, expectedPgType(c), c.optional])).toEqual([
      ["tenant_id", "uuid", false],
      ["id", "uuid", false],
      ["label", "text", true],
      ["amount", "bigint", false],
      ["tags", "text[]", false],
      ["at", "timestamp(6) with time zone", false],
    ]);
  });

  it("refuses a line it cannot read instead of silently skipping it", () => {
    expect(() => parsePrismaSchema("model A {\n  ??? nonsense\n}\n")).toThrow(/cannot read line/);
  });
});
