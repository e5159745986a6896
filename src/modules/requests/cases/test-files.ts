import { crc32, deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";

/** Office files for tests of the hidden personal data check. */

/** A minimal ZIP writer for test documents (deflated entries, one central directory). */
export function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, "utf8");
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc32(data), 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const dirSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

export async function spreadsheetWithHiddenData(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "Jane Officer";
  const visible = book.addWorksheet("Summary");
  visible.addRow(["Ward", "Complaints"]);
  visible.addRow(["North", 12]);
  visible.getRow(2).hidden = true;
  visible.getColumn(3).hidden = true;
  visible.getCell("A1").note = "Names are on the other sheet";
  const names = book.addWorksheet("Complainants");
  names.state = "hidden";
  names.addRow(["Jo Bloggs", "12 High Street"]);
  const secret = book.addWorksheet("Raw");
  secret.state = "veryHidden";
  return Buffer.from(await book.xlsx.writeBuffer());
}
