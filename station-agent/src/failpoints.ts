// Test-only crash points. The fault tests start the agent with one of these
// and prove that a SIGKILL at that step loses nothing and duplicates nothing.
export const FAILPOINTS = [
  'first-pass-open', // the first pass is saved as an open ticket, nothing else done
  'settling', // a vehicle is identified and the weight is settling: no record yet
  'after-journal', // the ticket is durable in the journal, not yet printed or sent
  'after-print', // the ticket is printed, not yet sent
  'after-server-ack', // the server stored the ticket; the agent has not recorded the ack
  'after-local-ack', // the ack is recorded durably
] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

/** Dies on the spot (no cleanup, no flush) if this is the configured failpoint. */
export function failpoint(configured: Failpoint | null, here: Failpoint): void {
  if (configured === here) process.kill(process.pid, 'SIGKILL');
}
