const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an 8-4-4-4-12 hex GUID, any case. Nothing else may reach a Graph URL. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Request ids become Cosmos ids, which may not hold `/ \ ? #`; APIM's are GUIDs anyway. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_PROBLEM = 'must be 1-128 letters, digits, ".", "_", ":" or "-" (a GUID from APIM)';
