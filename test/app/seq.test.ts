/**
 * SeqCounter: one more per reading, never reused across resets, and one
 * flash write per RESERVE readings rather than per reading.
 */
import { SeqCounter } from '../../firmware/app/seq';
import type { Storage, StorageStatus } from '../../firmware/hal/storage';

/** An in-memory Storage that counts writes. */
function memoryStorage(): Storage & { files: Record<string, string>; writes: number } {
  return {
    files: {},
    writes: 0,
    load(name: string) { return this.files[name]; },
    save(name: string, data: string): StorageStatus { this.writes++; this.files[name] = data; return 'OK'; },
    erase(name: string) { delete this.files[name]; },
    free() { return 100000; },
    compact() { /* nothing to reclaim in memory */ },
  };
}

test('starts at 1 and counts up by one', () => {
  const s = new SeqCounter(memoryStorage(), 'seq');
  expect([s.take(), s.take(), s.take()]).toEqual([1, 2, 3]);
});

test('writes flash once per 100 readings', () => {
  const st = memoryStorage();
  const s = new SeqCounter(st, 'seq');
  for (let i = 0; i < 250; i++) s.take();
  expect(st.writes).toBe(3);
});

test('an unplanned reset skips ahead but never repeats a number', () => {
  const st = memoryStorage();
  const a = new SeqCounter(st, 'seq');
  const seen: number[] = [];
  for (let i = 0; i < 42; i++) seen.push(a.take());
  // Power loss: no persist(). A new counter resumes from flash.
  const b = new SeqCounter(st, 'seq');
  const next = b.take();
  expect(next).toBeGreaterThan(seen[seen.length - 1]);
  expect(next).toBe(101);
});

test('persist() before a planned stop leaves no gap', () => {
  const st = memoryStorage();
  const a = new SeqCounter(st, 'seq');
  for (let i = 0; i < 5; i++) a.take();
  a.persist();
  expect(new SeqCounter(st, 'seq').take()).toBe(6);
});

test('unreadable flash content starts again at 1', () => {
  const st = memoryStorage();
  st.files.seq = 'garbage';
  expect(new SeqCounter(st, 'seq').take()).toBe(1);
});

test('no number is handed out while a reservation cannot be written', () => {
  const st = memoryStorage();
  const a = new SeqCounter(st, 'seq');
  expect(a.take()).toBe(1);
  for (let i = 2; i <= 100; i++) a.take();
  // Flash full: the reservation for 101.. fails, and Espruino may have deleted the old file.
  const save = st.save;
  st.save = () => 'STORAGE_FULL';
  expect(a.take()).toBe(0);
  st.save = save;
  expect(a.take()).toBe(101);
  expect(new SeqCounter(st, 'seq').take()).toBeGreaterThan(101);
});
