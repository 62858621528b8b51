// A JPEG carrying EXIF as a phone writes it: an orientation tag, a GPS position and a camera serial number, in
// an APP1 segment placed after the start-of-image marker of a browser-encoded JPEG. Tests use it to check that
// redaction honours the orientation and that none of the metadata survives.

/** The serial number written into the EXIF: a string to look for in an output's bytes. */
export const cameraSerial = 'BLAZE-SERIAL-4711';

interface Entry {
  tag: number;
  type: 2 | 3 | 4 | 5; // ASCII, SHORT, LONG, RATIONAL
  count: number;
  /** Inline value (SHORT or LONG), or the bytes stored at an offset (ASCII longer than 4, RATIONAL). */
  value: number | Uint8Array;
}

/** `jpeg` with an EXIF APP1 segment: Orientation `orientation`, a GPS latitude and longitude, a body serial number. */
export function withExif(jpeg: Uint8Array, orientation: number): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const ascii = (text: string) => new TextEncoder().encode(`${text}\0`);
  const rationals = (...pairs: [number, number][]) => {
    const bytes = new Uint8Array(pairs.length * 8);
    const view = new DataView(bytes.buffer);
    pairs.forEach(([numerator, denominator], i) => {
      view.setUint32(i * 8, numerator);
      view.setUint32(i * 8 + 4, denominator);
    });
    return bytes;
  };
  // Big-endian TIFF: header, IFD0 (orientation, pointers to the Exif and GPS IFDs), the Exif IFD, the GPS IFD.
  const ifds: Entry[][] = [
    [
      { tag: 0x0112, type: 3, count: 1, value: orientation },
      { tag: 0x8769, type: 4, count: 1, value: 0 }, // Exif IFD offset, set below
      { tag: 0x8825, type: 4, count: 1, value: 0 }, // GPS IFD offset, set below
    ],
    [{ tag: 0xa431, type: 2, count: cameraSerial.length + 1, value: ascii(cameraSerial) }],
    [
      { tag: 0x0001, type: 2, count: 2, value: 2 }, // GPSLatitudeRef: placeholder, written as 'N'
      { tag: 0x0002, type: 5, count: 3, value: rationals([48, 1], [51, 1], [2400, 100]) },
      { tag: 0x0003, type: 2, count: 2, value: 2 }, // GPSLongitudeRef: placeholder, written as 'E'
      { tag: 0x0004, type: 5, count: 3, value: rationals([2, 1], [17, 1], [4000, 100]) },
    ],
  ];
  const ifdSize = (entries: Entry[]) => 2 + entries.length * 12 + 4;
  const dataSize = (entries: Entry[]) => entries.reduce((sum, { value }) => sum + (value instanceof Uint8Array && value.length > 4 ? value.length : 0), 0);
  const offsets: number[] = [];
  let offset = 8;
  for (const entries of ifds) {
    offsets.push(offset);
    offset += ifdSize(entries) + dataSize(entries);
  }
  ifds[0]![1]!.value = offsets[1]!;
  ifds[0]![2]!.value = offsets[2]!;
  const tiff = new Uint8Array(offset);
  const view = new DataView(tiff.buffer);
  tiff.set([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]);
  const refs = new Map([[0x0001, 'N'], [0x0003, 'E']]);
  ifds.forEach((entries, index) => {
    let at = offsets[index]!;
    let data = at + ifdSize(entries);
    view.setUint16(at, entries.length);
    at += 2;
    for (const { tag, type, count, value } of entries) {
      view.setUint16(at, tag);
      view.setUint16(at + 2, type);
      view.setUint32(at + 4, count);
      if (refs.has(tag)) tiff[at + 8] = refs.get(tag)!.charCodeAt(0);
      else if (value instanceof Uint8Array && value.length <= 4) tiff.set(value, at + 8);
      else if (value instanceof Uint8Array) {
        view.setUint32(at + 8, data);
        tiff.set(value, data);
        data += value.length;
      } else if (type === 3) view.setUint16(at + 8, value);
      else view.setUint32(at + 8, value);
      at += 12;
    }
    view.setUint32(at, 0); // no next IFD
  });
  const header = new TextEncoder().encode('Exif\0\0');
  const length = 2 + header.length + tiff.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >> 8, length & 0xff]);
  segment.set(header, 4);
  segment.set(tiff, 4 + header.length);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}

/** Whether `bytes` contain `text` (ASCII). */
export function containsText(bytes: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
