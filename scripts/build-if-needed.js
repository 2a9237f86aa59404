#!/usr/bin/env node
// `npm start` on a fresh clone must just work: build when dist/ is missing or older than any
// source it is compiled from, otherwise start at once.
const { statSync, readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const marker = join(root, 'dist', 'src', 'main.js');
const sources = ['src', 'connectors', 'migrations', 'bench', 'openapi', 'scripts'];

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|json|ya?ml)$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
const configFiles = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) =>
  join(root, f),
);
const newest = Math.max(
  ...sources.map((d) => newestMtime(join(root, d))),
  ...configFiles.filter(existsSync).map((f) => statSync(f).mtimeMs),
);
if (newest > built) {
  process.stdout.write('Building the gateway (dist/ is missing or out of date)...\n');
  execSync('npx nest build', { cwd: root, stdio: 'inherit' });
}
