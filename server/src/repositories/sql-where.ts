/**
 * Builds a parameterised WHERE clause: each `?` in a condition becomes the next
 * $n and its value is kept in order, so filters are never spliced into SQL text.
 */
export class Where {
  readonly params: unknown[] = [];
  readonly parts: string[] = [];

  add(sql: string, ...values: unknown[]): this {
    let i = 0;
    this.parts.push(
      sql.replace(/\?/g, () => {
        this.params.push(values[i++]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  /** A value used outside the WHERE (LIMIT, SELECT list): its $n. */
  param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}
