import { flashCookie } from "./cookies.server";

export interface Flash {
  kind: "success" | "info" | "error";
  message: string;
  /** A value to show once with a copy button (an invitation link). */
  copy?: string;
}

export async function setFlash(flash: Flash): Promise<string> {
  return flashCookie.serialize(flash);
}

/** Reads the flash message and the header that clears it. */
export async function takeFlash(request: Request): Promise<{ flash: Flash | null; header: string | null }> {
  const flash = (await flashCookie.parse(request.headers.get("cookie"))) as Flash | null;
  if (!flash) return { flash: null, header: null };
  return { flash, header: await flashCookie.serialize("", { maxAge: 0 }) };
}
