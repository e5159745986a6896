/** Record ids are UUIDs; checking the shape first turns a mistyped URL into a 404, not a database error. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
