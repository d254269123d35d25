// Fails when a source line is wider than 100 columns: Prettier does not wrap strings or comments.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const MAX = 100;
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|mjs|js|css|html)$/.test(f) && !f.startsWith('node_modules/'));
let wide = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree but still listed by git
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX) {
      wide++;
      console.error(`${file}:${i + 1}: ${line.length} columns`);
    }
  });
}
if (wide > 0) {
  console.error(`${wide} lines are wider than ${MAX} columns`);
  process.exit(1);
}
