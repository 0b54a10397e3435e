/** Why an engine process ended without a result, in words: the signal that killed it (and what usually sends it), or its exit code. */
export function explainEngineExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const cause =
      signal === 'SIGKILL'
        ? ' (sent by a user or by the system when memory runs out)'
        : signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL'
          ? ' (a crash in native code)'
          : '';
    return `the engine process was killed by signal ${signal}${cause}`;
  }
  return `the engine process exited unexpectedly with exit code ${code ?? 'unknown'}`;
}
