import type { ShouldRevalidateFunctionArgs } from "@remix-run/react";

/**
 * CSRF tokens are single-use: after a refused form (a 4xx action result, which Remix does not
 * revalidate by default) the page needs fresh tokens, or the next try is refused as a replay.
 * Routes whose forms are often corrected and sent again export this as `shouldRevalidate`.
 */
export function revalidateAfterPost({
  formMethod,
  actionResult,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  if (formMethod !== undefined || actionResult !== undefined) return true;
  return defaultShouldRevalidate;
}
