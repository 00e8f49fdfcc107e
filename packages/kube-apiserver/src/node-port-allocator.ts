import { type Allocation, RangeAllocator } from './range-allocator.js';

/** NodePort allocation inside the configured port range (inclusive). */
export class NodePortAllocator {
  private readonly range: RangeAllocator;

  constructor(readonly portRange: readonly [number, number]) {
    const [first, last] = portRange;
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last > 65535 || first > last) {
      throw new RangeError(`nodePortRange [${first}, ${last}]: expected 1 <= first <= last <= 65535`);
    }
    this.range = new RangeAllocator(first, last);
  }

  contains(port: number): boolean {
    return this.range.contains(port);
  }

  allocate(port: number): Allocation<number> {
    return this.range.allocate(port);
  }

  allocateNext(): Allocation<number> {
    return this.range.allocateNext();
  }

  release(port: number): void {
    this.range.release(port);
  }

  isAllocated(port: number): boolean {
    return this.range.isAllocated(port);
  }
}
