import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PortraitSubject } from '../../../src/application/ports/portrait-painter.port.js';
import { OpenPeepsPortraitPainter, portraitSvg } from '../../../src/infrastructure/media/art/portrait.js';

const painter = new OpenPeepsPortraitPainter();
const CAST: PortraitSubject[] = [
  { name: '林晓', gender: 'female', role: '程序员', description: '28岁，996的程序员' },
  { name: '陈默', gender: 'male', role: '设计师', description: '设计部的同事' },
  { name: '苏婉', gender: 'female', role: '闺蜜', description: '林晓的大学室友' },
  { name: '老周', gender: 'male', role: '父亲', description: '林晓的父亲，62岁' },
  { name: '小米', gender: 'unknown', role: '同事', description: '' },
];
const FEMALE_HEADS = [
  'long',
  'longBangs',
  'bangs2',
  'mediumStraight',
  'bun2',
  'medium1',
  'mediumBangs',
  'medium2',
  'longCurly',
  'medium3',
];
const MALE_HEADS = [
  'short2',
  'pomp',
  'short1',
  'shaved3',
  'flatTop',
  'shaved1',
  'short3',
  'short5',
  'shaved2',
];

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('Open Peeps cast portraits', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portrait-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('designs the same look for the same character and drama, every time', () => {
    const a = painter.design(CAST, { seed: 'drama-1', language: 'zh' });
    const b = painter.design(CAST, { seed: 'drama-1', language: 'zh' });
    expect(b).toEqual(a);
    expect(portraitSvg(a[0]!)).toBe(portraitSvg(b[0]!));
  });

  it('gives every character of a drama their own look and their own picture', async () => {
    for (const seed of ['drama-1', 'drama-2', 'drama-3']) {
      const designs = painter.design(CAST, { seed, language: 'zh' });
      expect(new Set(designs.map((d) => JSON.stringify(d.look))).size).toBe(CAST.length);
      expect(new Set(designs.map((d) => d.description)).size).toBe(CAST.length);
    }
    const designs = painter.design(CAST, { seed: 'drama-1', language: 'zh' });
    const pictures = await Promise.all(
      designs.map(async (d, i) =>
        sha(await readFile((await painter.paint(d, join(dir, `${i}.png`), { size: 128 })).path)),
      ),
    );
    expect(new Set(pictures).size).toBe(CAST.length);
  });

  it('keeps twenty characters apart (the most a script may have)', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      name: `角色${i}`,
      gender: (i % 2 === 0 ? 'female' : 'male') as PortraitSubject['gender'],
    }));
    const designs = painter.design(many, { seed: 'big', language: 'zh' });
    expect(new Set(designs.map((d) => JSON.stringify(d.look))).size).toBe(20);
  });

  it('fits the gender and age: women and men get their own hair styles, the elderly grey hair', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const [lin, chen, su, zhou] = painter.design(CAST, { seed, language: 'zh' });
      expect(FEMALE_HEADS).toContain(lin!.look.head);
      expect(FEMALE_HEADS).toContain(su!.look.head);
      expect(MALE_HEADS).toContain(chen!.look.head);
      expect(zhou!.look.head).toMatch(/^gray/);
      expect(zhou!.description).toMatch(/灰白/);
      expect(zhou!.description).toMatch(/老年男性$/);
      expect(lin!.look.facialHair).toBeUndefined();
      expect(su!.look.facialHair).toBeUndefined();
    }
  });

  it('describes what the picture shows, in the script language', () => {
    const zh = painter.design(CAST, { seed: 'drama-1', language: 'zh' });
    const en = painter.design(CAST, { seed: 'drama-1', language: 'en' });
    for (const [i, design] of zh.entries()) {
      const svg = portraitSvg(design).toLowerCase();
      expect(svg).toContain(`#${design.look.clothingColor}`);
      expect(svg).toContain(`#${design.look.skinColor}`);
      expect(design.description).toMatch(/^[^a-z]*$/i);
      expect(design.description).toMatch(/上衣/);
      expect(design.description.includes('眼镜')).toBe(design.look.accessories === 'glasses');
      expect(en[i]!.description).toMatch(/^an? .* top$/);
      expect(en[i]!.description.includes('glasses')).toBe(en[i]!.look.accessories === 'glasses');
    }
    expect(zh[0]!.description).toMatch(/女性$/);
    expect(en[1]!.description).toMatch(/^a young man /);
  });

  it('paints a PNG portrait at the asked size', async () => {
    const [design] = painter.design(CAST, { seed: 'drama-1', language: 'zh' });
    const png = await readFile((await painter.paint(design!, join(dir, 'one.png'), { size: 256 })).path);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 256]);
  });
});
