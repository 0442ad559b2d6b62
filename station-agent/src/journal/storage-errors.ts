import Database from 'better-sqlite3';
import { JournalUnavailableError } from '../types.js';

// SQLite result codes that mean "the storage cannot take this write now":
// https://www.sqlite.org/rescode.html — FULL (disk or max_page_count), IOERR_*
// (fsync, short write…), READONLY_*, CANTOPEN, CORRUPT_*/NOTADB, BUSY/LOCKED
// (another process holds the file), NOMEM.
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|NOMEM|PROTOCOL)(_|$)/;

export function isStorageFailure(err: unknown): boolean {
  if (err instanceof Database.SqliteError) return STORAGE_CODES.test(err.code);
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EIO' || code === 'EROFS' || code === 'EACCES';
}

export function unavailable(what: string, err: unknown): JournalUnavailableError {
  const code = (err as { code?: string }).code ?? 'ERROR';
  const hint = /FULL|ENOSPC/.test(code) ? ' (disk full?)' : /READONLY|EROFS|EACCES/.test(code) ? ' (read-only storage?)' : '';
  return new JournalUnavailableError(`the journal cannot ${what}: ${code}${hint}: ${(err as Error).message}`, { cause: err });
}
