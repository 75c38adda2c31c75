import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A deliberately small reader of our schema.prisma: models, their table names, scalar columns (name,
 * type, native type, optional) and primary keys. Enough for the test that proves the migrated
 * database and the schema agree; it refuses syntax it does not understand rather than guess.
 */
export interface SchemaColumn {
  field: string;
  column: string;
  prismaType: string;
  nativeType: string | undefined;
  optional: boolean;
  list: boolean;
}

export interface SchemaModel {
  name: string;
  table: string;
  columns: SchemaColumn[];
  primaryKey: string[];
}

const scalarTypes = new Set([
  "String",
  "Int",
  "BigInt",
  "Boolean",
  "DateTime",
  "Json",
  "Decimal",
  "Float",
  "Bytes",
]);

export const schemaDir = fileURLToPath(new URL("../../prisma/schema", import.meta.url));

export function parsePrismaSchema(text: string): SchemaModel[] {
  const models: SchemaModel[] = [];
  const modelRe = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  for (const m of text.matchAll(modelRe)) {
    const name = m[1]!;
    const body = m[2]!;
    let table = name;
    const columns: SchemaColumn[] = [];
    let primaryKey: string[] = [];
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line) continue;
      if (line.startsWith("@@")) {
        const map = /^@@map\("([^"]+)"\)/.exec(line);
        if (map) table = map[1]!;
        const id = /^@@id\(\[([^\]]+)\]/.exec(line);
        if (id) primaryKey = id[1]!.split(",").map((s) => s.trim());
        continue;
      }
      const f = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!f) throw new Error(`schema.prisma: cannot read line "${line}" in model ${name}`);
      const [, field, type, list, optional, attrs = ""] = f;
      if (!scalarTypes.has(type!)) continue; // a relation field, not a column
      const map = /@map\("([^"]+)"\)/.exec(attrs);
      const native = /@db\.(\w+(?:\([^)]*\))?)/.exec(attrs);
      if (/(^|\s)@id(\s|$|\()/.test(attrs)) primaryKey = [field!];
      columns.push({
        field: field!,
        column: map ? map[1]! : field!,
        prismaType: type!,
        nativeType: native?.[1],
        optional: optional === "?",
        list: list === "[]",
      });
    }
    const fieldToColumn = new Map(columns.map((c) => [c.field, c.column]));
    models.push({ name, table, columns, primaryKey: primaryKey.map((f) => fieldToColumn.get(f) ?? f) });
  }
  return models;
}

/** Every model of every `.prisma` file in the schema folder. */
export function readPrismaSchema(): SchemaModel[] {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith(".prisma"))
    .sort()
    .flatMap((f) => parsePrismaSchema(readFileSync(path.join(schemaDir, f), "utf8")));
}

/** The PostgreSQL type (as information_schema / format_type names it) a column of this schema has. */
export function expectedPgType(c: SchemaColumn): string {
  const native = c.nativeType;
  let base: string;
  if (native) {
    const n = /^(\w+)(?:\(([^)]*)\))?$/.exec(native)!;
    const kind = n[1]!;
    const arg = n[2];
    const byNative: Record<string, string> = {
      Uuid: "uuid",
      Text: "text",
      Timestamptz: `timestamp(${arg ?? "3"}) with time zone`,
      Timestamp: `timestamp(${arg ?? "3"}) without time zone`,
      Date: "date",
      Char: `character(${arg})`,
      VarChar: arg ? `character varying(${arg})` : "character varying",
      Inet: "inet",
      SmallInt: "smallint",
      Integer: "integer",
      BigInt: "bigint",
      Decimal: arg ? `numeric(${arg})` : "numeric",
      JsonB: "jsonb",
      Bytea: "bytea",
    };
    const t = byNative[kind];
    if (!t) throw new Error(`schema.prisma: native type @db.${native} is not known to this test yet`);
    base = t;
  } else {
    const byPrisma: Record<string, string> = {
      String: "text",
      Int: "integer",
      BigInt: "bigint",
      Boolean: "boolean",
      DateTime: "timestamp(3) without time zone",
      Json: "jsonb",
      Decimal: "numeric(65,30)",
      Float: "double precision",
      Bytes: "bytea",
    };
    base = byPrisma[c.prismaType]!;
  }
  return c.list ? `${base}[]` : base;
}
