// A zip archive whose entries are stored, not compressed: enough for the small placeholder
// documents the mock serves (a DOCX is a zip). No Node built-ins, so any host of the state can use it.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (the zip and PNG one) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Little-endian fields: [value, size in bytes]. */
function fields(...values: [number, 2 | 4][]): number[] {
  return values.flatMap(([value, size]) => Array.from({ length: size }, (_, i) => (value >>> (8 * i)) & 0xff));
}

// 1980-01-01 00:00, the earliest DOS date: the same bytes every time.
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;

/** The archive of these files, in this order (names in ASCII). */
export function storedZip(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  const local: number[] = [];
  const central: number[] = [];
  for (const { name, data } of files) {
    const nameBytes = [...encoder.encode(name)];
    const crc = crc32(data);
    // version needed 1.0, no flags, method 0 (stored), time, date, crc, sizes, name length, no extra
    const common = fields([10, 2], [0, 2], [0, 2], [DOS_TIME, 2], [DOS_DATE, 2], [crc, 4], [data.length, 4]);
    const sizes = [...common, ...fields([data.length, 4], [nameBytes.length, 2], [0, 2])];
    const offset = local.length;
    local.push(...fields([0x04034b50, 4]), ...sizes, ...nameBytes, ...data);
    central.push(
      ...fields([0x02014b50, 4], [20, 2]),
      ...sizes,
      // comment length, disk, internal and external attributes, offset of the local header
      ...fields([0, 2], [0, 2], [0, 2], [0, 4], [offset, 4]),
      ...nameBytes,
    );
  }
  const end = fields(
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [files.length, 2],
    [files.length, 2],
    [central.length, 4],
    [local.length, 4],
    [0, 2],
  );
  return Uint8Array.from([...local, ...central, ...end]);
}
