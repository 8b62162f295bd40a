// Diff awareness: bucket resources present at a base git revision and gone now.
import type { StorageAction } from "../facts.js";

export interface BaseComparisonInput {
  /** The git revision to compare with. */
  base: string;
  /** The repository working directory. */
  cwd: string;
  /** The files scanned now (POSIX paths relative to cwd), with their text. */
  currentFiles: { file: string; text: string }[];
}

/** StorageAction facts of kind "removed" for each bucket resource or R2 binding gone since `base`. */
export async function storageActionsRemovedSince(input: BaseComparisonInput): Promise<StorageAction[]> {
  void input;
  return [];
}
