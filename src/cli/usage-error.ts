/** A command used wrongly or run too early: its message says what to do, and the CLI exits 2 without a stack. */
export class UsageError extends Error {}
