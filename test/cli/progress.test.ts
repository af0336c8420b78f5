// Progress lines on a clock the test moves: no rate before there is one, then the rate and the
// time left; plain lines bounded however many updates come in.
import { createProgress, duration } from '@box-docgen/cli';
import { describe, expect, it } from 'vitest';

function plain() {
  let t = 0;
  const lines: string[] = [];
  const progress = createProgress({
    mode: 'plain',
    stream: { write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) },
    now: () => t,
  });
  return { progress, lines, at: (ms: number) => (t = ms) };
}

describe('progress', () => {
  it('prints no rate before a second has passed and something was done; then the rate and an ETA', () => {
    const { progress, lines, at } = plain();
    at(10_000);
    progress.update({ phase: 'submitting', total: 100, submitted: 0 });
    progress.update({ submitted: 0 });
    at(10_500);
    progress.update({ submitted: 10 });
    expect(lines.join('\n')).not.toMatch(/rows\/s|ETA/);
    at(12_000);
    progress.update({ phase: 'waiting', jobsTotal: 100 }); // the submitting phase's last line
    expect(lines.at(-1)).toBe('submitting: 10/100 rows submitted · 0 failed · 5.0 rows/s · ETA 18s');
    at(20_000);
    progress.update({ jobsFinished: 40 });
    expect(lines.at(-1)).toBe(
      'waiting: 10/100 rows submitted · 40/100 jobs finished · 0 failed · 5.0 jobs/s · ETA 12s',
    );
    at(21_000);
    progress.update({ jobsFinished: 100 });
    progress.update({ phase: 'done' });
    expect(lines.at(-1)).toBe('waiting: 10/100 rows submitted · 100/100 jobs finished · 0 failed · 11 jobs/s');
    expect(lines.join('\n')).not.toContain('0.0');
  });

  it('report --wait reads and submits nothing: no "0 rows read", no "0/0 rows submitted"', () => {
    const { progress, lines, at } = plain();
    progress.update({ jobsTotal: 3 });
    progress.update({ phase: 'waiting' });
    at(6_000);
    progress.update({ jobsFinished: 3 });
    progress.stop();
    expect(lines).toEqual(['waiting: 3/3 jobs finished · 0 failed · 0.5 jobs/s']);
  });

  it('plain lines: at most one every five seconds, whatever the number of updates', () => {
    const { progress, lines, at } = plain();
    progress.update({ phase: 'waiting', jobsTotal: 10_000 });
    for (let i = 1; i <= 10_000; i++) {
      at(i * 6); // 60 s in all
      progress.update({ jobsFinished: i });
    }
    progress.stop();
    expect(lines.length).toBeLessThanOrEqual(60 / 5 + 2);
    expect(lines.at(-1)).toMatch(/^waiting: 10000\/10000 jobs finished/);
  });

  it('durations', () => {
    expect([duration(0.4), duration(59), duration(65), duration(3599), duration(7440)]).toEqual([
      '0s',
      '59s',
      '1m 05s',
      '59m 59s',
      '2h 04m',
    ]);
  });
});
