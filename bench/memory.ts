import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

/** Peak memory of this process: sampled RSS and heap, plus the kernel's own high-water mark. */
export interface MemoryPeaks {
  readonly peakRssMb: number;
  readonly maxRssMb: number;
  readonly peakHeapMb: number;
}

const MB = 1024 * 1024;

export function sampleMemory(everyMs = 25): { stop(): MemoryPeaks } {
  let rss = process.memoryUsage.rss();
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      rss = Math.max(rss, process.memoryUsage.rss());
      return {
        peakRssMb: rss / MB,
        // maxRSS is in kilobytes, for the whole life of the process.
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        peakHeapMb: heap / MB,
      };
    },
  };
}

/** Heap still in use after a full GC: what the process actually retains (vs garbage not yet collected). */
export function retainedHeapMb(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / MB;
}
