/**
 * The column options of an identifier a jail's system sends (facility, booking, detainer, event,
 * person): text compared as bytes, as migration IdsInByteOrder made every such column.
 */
export const ID_TEXT = { type: 'text', collation: 'C' } as const;
