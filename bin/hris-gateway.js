#!/usr/bin/env node
// `npx hris-gateway <command>`: builds dist/ when it is missing or stale (the same check as
// `npm start`), then runs the compiled CLI. The build's own messages go to stderr so stdout
// stays the command's result (`--json` output is parsed by scripts).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
try {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-if-needed.js')], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
} catch {
  process.stderr.write('hris-gateway: building the gateway failed (see above)\n');
  process.exit(1);
}
require(join(root, 'dist', 'src', 'cli', 'main.js'));
