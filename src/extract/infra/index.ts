// Infrastructure code → StorageAction facts (S3 and R2 bucket deletion).
import { emptyFileFacts, type FileFacts } from "../facts.js";

/** Whether `file` (POSIX path) may hold infrastructure code worth reading for storage actions. */
export function isInfraCandidate(file: string): boolean {
  void file;
  return false;
}

/** Extracts storage actions (and parse problems, directives) from one infrastructure file. */
export async function extractInfraFacts(file: string, text: string): Promise<FileFacts> {
  void text;
  return emptyFileFacts(file, "infra");
}
