/** A UUID in its canonical text form (any version; case-insensitive). */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`, 'i');

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
