import type { PlatformDb } from "../client";

/** The process-wide simulator's snapshot (platform table: all tenants' simulated accounts). */

export function saveSimulatorSnapshot(
  db: PlatformDb,
  id: string,
  data: { snapshot: Uint8Array<ArrayBuffer>; accounts: number; simNowMs: number },
) {
  const row = { snapshot: data.snapshot, accounts: data.accounts, simNowMs: BigInt(data.simNowMs) };
  return db.simulatorSnapshot.upsert({
    where: { id },
    create: { id, ...row },
    update: { ...row, takenAt: new Date() },
  });
}

export function loadSimulatorSnapshot(db: PlatformDb, id: string) {
  return db.simulatorSnapshot.findUnique({ where: { id } });
}

export function deleteSimulatorSnapshot(db: PlatformDb, id: string) {
  return db.simulatorSnapshot.deleteMany({ where: { id } });
}
