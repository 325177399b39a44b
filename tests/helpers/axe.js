// Run axe-core on many local HTML pages in one headless Chromium and print JSON.
//
// Usage: node axe.js PAGES.json
//   PAGES.json: [{"name": "...", "path": "/abs/page.html", "colorScheme": "light"|"dark"}, ...]
// Prints {"axe": "4.x", "pages": {name: [violation, ...]}}, each violation as axe
// reports it (id, impact, help, nodes[].target). Nothing is fetched from the network:
// every request that is not a local file is aborted.
//
// Needs puppeteer-core and axe-core (scripts/setup --test installs them in .tools; run
// with NODE_PATH=.tools/node_modules) and Chromium at PUPPETEER_EXECUTABLE_PATH.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const url = require('url');
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = require('axe-core/package.json').version;

// WCAG 2.1 A and AA, and axe's best practices (which include `region`).
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

// Chromium run as root on a machine without network or GPU: no sandbox, nothing
// that phones home, a fresh profile each run.
function chromiumArgs(profile) {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
}

async function check(browser, page) {
  const tab = await browser.newPage();
  try {
    await tab.setRequestInterception(true);
    tab.on('request', (request) => {
      if (request.url().startsWith('file:')) request.continue();
      else request.abort();
    });
    await tab.emulateMediaFeatures([
      { name: 'prefers-color-scheme', value: page.colorScheme || 'light' },
    ]);
    await tab.goto(url.pathToFileURL(page.path).href, { waitUntil: 'load' });
    await tab.evaluate(axeSource);
    const results = await tab.evaluate(
      (tags) => window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
      TAGS,
    );
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  } finally {
    await tab.close();
  }
}

async function main() {
  const pages = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'axe-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs(profile),
  });
  const found = {};
  try {
    for (const page of pages) {
      found[page.name] = await check(browser, page);
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ axe: axeVersion, pages: found }));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
