// A minimal observable value.

export class Store<T extends object> {
  private value: T;
  private readonly listeners = new Set<(value: T, previous: T) => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  get(): T {
    return this.value;
  }

  set(patch: Partial<T>): void {
    const previous = this.value;
    this.value = { ...previous, ...patch };
    for (const listener of this.listeners) listener(this.value, previous);
  }

  subscribe(listener: (value: T, previous: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
