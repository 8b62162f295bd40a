// Reading one file without ever crashing the scan: special files, huge files, binary content and
// invalid UTF-8 each become a described problem instead of an exception.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, type Stats } from "node:fs";
import { checkPythonText, decodePythonSource } from "../parsers/python-source.js";

/** A failure may say where in the file it lies (a coding cookie on line 2); else line 1, column 1. */
export type ReadOutcome = { ok: true; text: string } | { ok: false; reason: string; line?: number; column?: number };

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a file as UTF-8 text, or says why it cannot be analysed. Synchronously: for many small
 * files, four system calls each beat the promise API's round trips through the thread pool by far (a 10,000-file cached scan spent most of
 * its time there). The file is opened non-blocking and checked on the open descriptor, so a FIFO
 * or device never blocks the scan, even if it replaced a regular file after discovery. `onStat`
 * receives the open file's stat before its content is read.
 */
export function readSourceFileSync(absolutePath: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES, onStat?: (info: Stats) => void): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, reason: describeFsError(error) };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { ok: false, reason: `not a regular file (${kindOf(info)})` };
    // The stamp is taken before the read: a change after it changes the stamp (--cache, file-stamp.ts).
    onStat?.(info);
    if (info.size > maxBytes) {
      return { ok: false, reason: `file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} analysis limit (maxFileBytes)` };
    }
    return decodeSource(readOpenFile(fd, info.size), maxBytes, absolutePath);
  } catch (error) {
    return { ok: false, reason: describeFsError(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of the open regular file `fd` whose fstat gave `size`: what `readFileSync(fd)` returns,
 * without the second fstat it makes to learn the size (one system call in five for a small file).
 * A file that shrank since gives the bytes there are; one that grew, its first `size` bytes (those
 * the stamp and the size check were taken for). A size of 0 (an empty file, or one whose size the kernel does not report)
 * is read to its end by `readFileSync`.
 */
function readOpenFile(fd: number, size: number): Buffer {
  if (size === 0) return readFileSync(fd);
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const count = readSync(fd, bytes, filled, size - filled, null);
    if (count === 0) break;
    filled += count;
  }
  return filled === size ? bytes : bytes.subarray(0, filled);
}

/** Whether a file is Python source, decoded as CPython decodes it (coding cookie, universal newlines). */
export function isPythonSource(file: string): boolean {
  return file.endsWith(".py");
}

/**
 * Decodes bytes as UTF-8 source text (BOM removed), refusing binary content and invalid UTF-8. A
 * Python file (`file` ending in .py) is decoded as CPython decodes it: its coding cookie is honoured
 * or, when gonogo cannot honour it, the file is refused with the reason.
 */
export function decodeSource(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_FILE_BYTES, file?: string): ReadOutcome {
  if (bytes.length > maxBytes) return { ok: false, reason: `file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} analysis limit (maxFileBytes)` };
  const probe = bytes.subarray(0, 8000);
  if (probe.includes(0)) return { ok: false, reason: "binary file (contains NUL bytes)" };
  if (file !== undefined && isPythonSource(file)) {
    const decoded = decodePythonSource(bytes);
    if (decoded.ok || !decoded.reason.startsWith("invalid UTF-8")) return decoded;
    return { ok: false, reason: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}` };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/** Source handed over as text (the scan API's in-memory files): a Python file's cookie is still checked. */
export function decodeSourceText(text: string, maxBytes: number, file: string): ReadOutcome {
  if (!isPythonSource(file)) return decodeSource(Buffer.from(text, "utf8"), maxBytes);
  const size = Buffer.byteLength(text, "utf8");
  if (size > maxBytes) return { ok: false, reason: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} analysis limit (maxFileBytes)` };
  if (text.slice(0, 8000).includes("\0")) return { ok: false, reason: "binary file (contains NUL bytes)" };
  return checkPythonText(text);
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // The lenient decoder marks the first bad sequence with U+FFFD; its byte offset is the length of
  // the text before it, re-encoded.
  const lenient = new TextDecoder("utf-8").decode(bytes);
  const at = lenient.indexOf("\ufffd");
  return at === -1 ? 0 : Buffer.byteLength(lenient.slice(0, at), "utf8");
}

function kindOf(info: { isFIFO(): boolean; isSocket(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isDirectory()) return "directory";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "device";
  return "special file";
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "file vanished during the scan";
    case "ELOOP":
      return "symbolic link loop";
    case "EISDIR":
      return "is a directory";
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
