import { AppError } from "@propdesk/domain";

/** A CSV download (never cached), its file name made safe for the header. */
export function csvResponse(fileName: string, csv: string): Response {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${safe}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** The text of an uploaded CSV file field, refusing a missing, empty or binary file. */
export async function uploadedText(
  form: FormData,
  field: string,
): Promise<{ fileName: string; text: string }> {
  const file = form.get(field);
  if (!file || typeof file === "string" || file.size === 0)
    throw new AppError("VALIDATION", `${field}: choose a CSV file.`, {
      issues: [{ path: field, message: "Choose a CSV file." }],
    });
  const text = await file.text();
  if (text.includes("\u0000"))
    throw new AppError("VALIDATION", `${field}: this is not a text (CSV) file.`, {
      issues: [{ path: field, message: "This is not a text (CSV) file." }],
    });
  return { fileName: file.name || "upload.csv", text };
}
