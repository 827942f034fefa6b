import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kameng-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the server bundle (scripts/build-server.mjs)', () => {
  it('has source maps that map the project\'s own code exactly as esbuild\'s full map does, and a dependency\'s code to nothing', () => {
    // Two builds side by side: the map as shipped, and esbuild's own with every mapping.
    const shipped = path.join(scratch, 'shipped');
    const full = path.join(scratch, 'full');
    execFileSync(process.execPath, ['scripts/build-server.mjs', shipped], { cwd: repo, stdio: 'pipe' });
    execFileSync(process.execPath, ['scripts/build-server.mjs', full, '--full-map'], { cwd: repo, stdio: 'pipe' });
    const code = readFileSync(path.join(shipped, 'main.js'), 'utf8');
    expect(readFileSync(path.join(full, 'main.js'), 'utf8')).toBe(code);
    const mapOf = (dir: string) => new SourceMap(JSON.parse(readFileSync(path.join(dir, 'main.js.map'), 'utf8')));
    const [filtered, complete] = [mapOf(shipped), mapOf(full)];
    const own = (source: string | undefined) => Boolean(source && path.resolve(shipped, source).startsWith(path.join(repo, 'src') + path.sep));
    let ownPositions = 0;
    let dependencyPositions = 0;
    const wrong: string[] = [];
    code.split('\n').forEach((line, index) => {
      if (index % 5 !== 0) return;
      const column = Math.max(0, line.search(/\S/));
      const expected = complete.findEntry(index, column) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      const actual = filtered.findEntry(index, column) as typeof expected;
      if (own(expected.originalSource)) {
        ownPositions += 1;
        if (actual.originalSource !== expected.originalSource || actual.originalLine !== expected.originalLine || actual.originalColumn !== expected.originalColumn) {
          wrong.push(`line ${index + 1}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
        }
      } else if (expected.originalSource) {
        // Unmapped, not the closest mapping before it (a line of the project's code): a stack frame there shows its place in the bundle.
        dependencyPositions += 1;
        if (actual.originalSource) wrong.push(`line ${index + 1}: a dependency's position is mapped to ${actual.originalSource}`);
      }
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    // Both kinds of code were looked at: the comparison covers the project's code and the dependencies the bundle carries.
    expect(ownPositions).toBeGreaterThan(1_000);
    expect(dependencyPositions).toBeGreaterThan(1_000);
  }, 120_000);
});
