// Shared stdin/stdout helpers for Tabmesh's AssemblyScript job modules (WASI preview1 commands).

/** Reads all of stdin (fd 0) until EOF and returns it as a UTF-8 string. */
export function readStdinText(): string {
  return String.UTF8.decode(readStdinBytes());
}

/** Reads all of stdin (fd 0) until EOF. */
export function readStdinBytes(): ArrayBuffer {
  let out = new ArrayBuffer(0);
  const chunk = new ArrayBuffer(65536);
  while (true) {
    const n = process.stdin.read(chunk, 0);
    if (n <= 0) break;
    const next = new ArrayBuffer(out.byteLength + n);
    memory.copy(changetype<usize>(next), changetype<usize>(out), out.byteLength);
    memory.copy(changetype<usize>(next) + out.byteLength, changetype<usize>(chunk), n);
    out = next;
  }
  return out;
}

/** Splits text on ASCII whitespace and parses each field as an unsigned decimal integer; returns null on a bad field. */
export function parseUnsignedFields(text: string): u64[] | null {
  const fields: u64[] = [];
  let value: u64 = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 32 || c == 9 || c == 10 || c == 13) {
      if (digits > 0) fields.push(value);
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits >= 19) return null;
      value = value * 10 + <u64>(c - 48);
      digits++;
    } else {
      return null;
    }
  }
  if (digits > 0) fields.push(value);
  return fields;
}

/** Writes a message to stderr and exits with the given code. */
export function fail(message: string, code: i32): void {
  process.stderr.write(message + "\n");
  process.exit(code);
}
