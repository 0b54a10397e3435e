/** Labels as read (strings), gathered row by row and turned into class indices at the end. */
export class LabelCollector {
  private readonly firstSeen = new Map<string, number>();
  private y = new Int32Array(1024);
  private count = 0;

  /** Records the label of the next row. */
  add(label: string): void {
    let index = this.firstSeen.get(label);
    if (index === undefined) {
      index = this.firstSeen.size;
      this.firstSeen.set(label, index);
    }
    if (this.count === this.y.length) {
      const grown = new Int32Array(this.y.length * 2);
      grown.set(this.y);
      this.y = grown;
    }
    this.y[this.count++] = index;
  }

  /** Distinct labels so far. */
  get distinct(): number {
    return this.firstSeen.size;
  }

  /**
   * Class names in a stable order (numerically when every label is a number, else alphabetically),
   * the class index of every row and the count of every class.
   */
  finish(): { classNames: string[]; numeric: boolean; y: Int32Array; counts: number[] } {
    const names = [...this.firstSeen.keys()];
    const numeric = names.length > 0 && names.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
    const sorted = [...names].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(sorted.map((name, i) => [name, i]));
    const remap = Int32Array.from(names, (name) => rank.get(name)!);
    const y = new Int32Array(this.count);
    const counts = new Array<number>(sorted.length).fill(0);
    for (let i = 0; i < this.count; i++) {
      y[i] = remap[this.y[i]];
      counts[y[i]]++;
    }
    return { classNames: sorted, numeric, y, counts };
  }
}
