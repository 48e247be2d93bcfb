/** 409/412/404: another writer created, changed or removed the document since it was read. */
export function lostRace(error: unknown): boolean {
  const code = (error as { code?: number }).code;
  return code === 409 || code === 412 || code === 404;
}

/** A conditional write (create, or replace on an ETag): true when it went through, false when it lost. */
export async function wonRace(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (lostRace(error)) return false;
    throw error;
  }
}
