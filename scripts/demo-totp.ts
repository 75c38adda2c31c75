/** Prints the current two-factor code of a demo user: `npm run demo:totp -- owner@atlas.localhost`. */
import { totpCode } from "@propdesk/services/auth";
import { demoTotpSecrets } from "@propdesk/services/demo";

const email = (process.argv[2] ?? "").toLowerCase();
const secret = demoTotpSecrets[email];
if (!secret) {
  console.error(`No demo two-factor key for "${email}". Known: ${Object.keys(demoTotpSecrets).join(", ")}`);
  process.exit(2);
}
console.log(await totpCode(secret));
