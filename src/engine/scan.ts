import type { ScanOptions, ScanResult } from "./types.js";

/** Scans files for unsafe changes. Never throws for bad input files; throws ConfigError for bad config. */
export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  void options;
  throw new Error("not implemented yet");
}
