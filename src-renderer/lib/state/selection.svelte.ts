/** The fine-tuning runs picked for comparison; shared by the Runs and Compare views. */
export class Selection {
  /** Run ids in the order they were picked (the Compare columns follow it). */
  ids = $state.raw<string[]>([]);

  /** Whether a run is picked. */
  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Picks or unpicks a run. */
  toggle(id: string): void {
    this.ids = this.has(id) ? this.ids.filter((x) => x !== id) : [...this.ids, id];
  }

  /** Picks every given run not picked yet, or unpicks them all when all were picked. */
  toggleAll(ids: readonly string[]): void {
    this.ids = ids.every((id) => this.has(id)) ? this.ids.filter((x) => !ids.includes(x)) : [...this.ids, ...ids.filter((id) => !this.has(id))];
  }

  /** Unpicks every run. */
  clear(): void {
    this.ids = [];
  }
}
