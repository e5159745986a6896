import type { FastifyRequest } from "fastify";
import { HttpError } from "./errors.ts";

export interface UploadedFile {
  field: string;
  filename: string;
  mimetype: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

/** Largest upload accepted, in bytes (set in app.ts when multipart is registered). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/**
 * The one way to read a form with files (enctype="multipart/form-data"). Such forms carry their CSRF
 * token in the action URL (`action="/path?_csrf={{ csrfToken }}"`), because the CSRF check runs before
 * the body is read. A file over the limit is a clear 413, never a 500.
 */
export async function readMultipart(request: FastifyRequest): Promise<MultipartForm> {
  if (!request.isMultipart())
    throw new HttpError(415, "This form must be sent as multipart/form-data.");
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        const data = await part.toBuffer();
        if (part.filename)
          files.push({
            field: part.fieldname,
            filename: part.filename,
            mimetype: part.mimetype,
            data,
          });
      } else {
        const value = String(part.value ?? "");
        const existing = fields[part.fieldname];
        fields[part.fieldname] =
          existing === undefined
            ? value
            : Array.isArray(existing)
              ? [...existing, value]
              : [existing, value];
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      code === "FST_REQ_FILE_TOO_LARGE" ||
      code === "FST_FILES_LIMIT" ||
      code === "FST_PARTS_LIMIT"
    )
      throw new HttpError(
        413,
        `The file is too large. Files must be ${MAX_UPLOAD_BYTES / 1024 / 1024} MB or smaller.`,
      );
    throw new HttpError(400, "The upload could not be read. Try again.");
  }
  return { fields, files };
}
