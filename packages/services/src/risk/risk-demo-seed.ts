import { desks, programs, type TenantDb, traders } from "@propdesk/db";
import { createChallenge } from "../challenges/challenge-lifecycle";

/**
 * Simulated traders for the demo: challenges on the demo programs that the worker provisions on
 * the market simulator at start, so both portals show passes, breaches and pauses within minutes.
 * Each account's trading style (scalper, swing, martingale, reckless, disciplined) is drawn by the
 * simulator from the account. These traders have no portal login; the demo trader
 * `trader@atlas.localhost` gets a second challenge to watch.
 */
const names = [
  "Amara Okafor",
  "Lukas Brandt",
  "Sofia Marchetti",
  "Kenji Watanabe",
  "Priya Raman",
  "Mateo Alvarez",
  "Ingrid Solberg",
  "Omar Haddad",
  "Chloe Dubois",
  "Tomasz Nowak",
  "Aisha Bello",
  "Rafael Costa",
  "Hannah Keller",
  "Yusuf Demir",
  "Elena Petrova",
  "Daniel Osei",
  "Mei Lin",
  "Jonas Lindqvist",
  "Carmen Ruiz",
  "Arjun Mehta",
  "Noor Al-Sayed",
  "Felipe Rocha",
  "Greta Vogel",
  "Samuel Adeyemi",
  "Lucia Romano",
  "Viktor Horvat",
  "Zara Ahmed",
  "Olivier Martin",
];

const plan: Array<{ desk: string; program: string; count: number }> = [
  { desk: "atlas", program: "two-step-100k", count: 12 },
  { desk: "atlas", program: "one-step-50k", count: 6 },
  { desk: "nova", program: "futures-combine-50k", count: 10 },
];

export async function seedRiskDemo(db: TenantDb): Promise<{ challenges: number }> {
  const deskBySlug = new Map((await desks.listDesks(db)).map((d) => [d.slug, d]));
  const all = await programs.listPrograms(db, null);
  let n = 0;
  let created = 0;
  for (const p of plan) {
    const desk = deskBySlug.get(p.desk);
    const program = all.find((x) => x.deskId === desk?.id && x.slug === p.program);
    if (!desk || !program) continue;
    const version = await programs.latestProgramVersion(db, program.id);
    if (!version) continue;
    for (let i = 0; i < p.count; i++) {
      const name = names[n % names.length]!;
      const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}.${n}@sim.${p.desk}.localhost`;
      n++;
      const trader = await traders.createTrader(db, {
        email,
        name,
        passwordHash: null,
        country: null,
        timezone: "UTC",
        dateOfBirth: null,
      });
      await createChallenge(db, {
        deskId: desk.id,
        deskSlug: desk.slug,
        traderId: trader.id,
        programVersionId: version.id,
        origin: "manual",
        cause: { type: "system", job: "demo-seed" },
      });
      created++;
    }
  }
  // The demo trader's second challenge: a one-step account to watch next to the two-step one.
  const tess = await traders.findTraderByEmail(db, "trader@atlas.localhost");
  const atlas = deskBySlug.get("atlas");
  const oneStep = all.find((x) => x.deskId === atlas?.id && x.slug === "one-step-50k");
  const version = oneStep ? await programs.latestProgramVersion(db, oneStep.id) : null;
  if (tess && atlas && version) {
    await createChallenge(db, {
      deskId: atlas.id,
      deskSlug: atlas.slug,
      traderId: tess.id,
      programVersionId: version.id,
      origin: "manual",
      cause: { type: "system", job: "demo-seed" },
    });
    created++;
  }
  return { challenges: created };
}
