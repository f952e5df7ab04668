/** The file as a whole cannot be read as declared; it is quarantined whole with `reason`. */
export class UnreadableFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UnreadableFileError";
  }
}
