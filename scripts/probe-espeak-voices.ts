/**
 * Which espeak-ng voice names load inside text2wav, and which variants change the sound. text2wav calls
 * process.exit(1) on a name it does not know, so every candidate is tried in a child process of its own.
 * Run after upgrading text2wav and before changing LOCAL_VOICES (src/infrastructure/media/voices.ts):
 *
 *   npx swc scripts -d dist --quiet && node dist/scripts/probe-espeak-voices.js
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const text2wav = createRequire(import.meta.url).resolve('text2wav');
const bases = ['cmn', 'zh', 'cmn-latn-pinyin', 'en', 'en-us', 'en-gb'];
const variants = [
  '',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'm1',
  'm2',
  'm3',
  'm4',
  'm5',
  'm6',
  'm7',
  'm8',
  'croak',
  'aunty',
  'klatt',
];

function probe(voice: string, text: string): string {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(text2wav)})(process.argv[1], { voice: process.argv[2] })` +
        `.then((wav) => process.stdout.write(Buffer.from(wav)))`,
      text,
      voice,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) return 'FAILS';
  return createHash('sha1').update(child.stdout).digest('hex').slice(0, 8);
}

for (const base of bases) {
  const text = base.startsWith('en') ? 'The weather is fine today.' : '今天天气很好。';
  const results = variants.map((variant) => {
    const voice = variant ? `${base}+${variant}` : base;
    return `${variant || '(none)'}=${probe(voice, text)}`;
  });
  // Identical hashes across variants mean the variant is ignored for that base name.
  console.log(`${base}: ${results.join(' ')}`);
}
