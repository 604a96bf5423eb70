import { writeFile } from 'node:fs/promises';
import { createAvatar } from '@dicebear/core';
import * as openPeeps from '@dicebear/open-peeps';
import type {
  PortraitDesign,
  PortraitPainter,
  PortraitSubject,
} from '../../../application/ports/portrait-painter.port.js';
import { type Age, ageOf } from '../../../domain/script/voices.js';
import type { Language } from '../../../domain/script/vocabulary.js';
import { rasteriseSvg } from './svg-raster.js';

/*
 * Cast portraits drawn from DiceBear's "Open Peeps" style (@dicebear/open-peeps 9.4.3). Its LICENSE
 * (node_modules/@dicebear/open-peeps/LICENSE): the design, Open Peeps by Pablo Stanley
 * (https://www.openpeeps.com/), is CC0 1.0 (public domain dedication); the code is MIT (Florian Körner).
 * Nothing to attribute, nothing fetched at run time.
 *
 * Every option is chosen here, never left to the style's own randomness, so that the words of the
 * description are exactly what the picture shows. Most Open Peeps hair shapes are drawn black whatever
 * the hair colour option says; only the grey styles take that colour, so the hair is described as black
 * (or grey for the elderly) and never given another colour.
 */

type Words = { en: string; zh: string };
interface Choice extends Words {
  value: string;
}

const c = (value: string, en: string, zh: string): Choice => ({ value, en, zh });

const FEMALE_HAIR: Choice[] = [
  c('long', 'long wavy black hair', '黑色长波浪发'),
  c('longBangs', 'long straight black hair with side bangs', '黑色长直发，斜刘海'),
  c('bangs2', 'a black bob with blunt bangs', '黑色齐刘海波波头'),
  c('mediumStraight', 'long black hair parted at the side', '黑色偏分长发'),
  c('bun2', 'black hair in a high top knot', '黑色高丸子头'),
  c('medium1', 'a short black bob', '黑色短波波头'),
  c('mediumBangs', 'shoulder-length black hair with bangs', '黑色及肩发，留刘海'),
  c('medium2', 'black hair flipped out at the shoulders', '黑色及肩外翘发'),
  c('longCurly', 'long, thick curly black hair', '浓密的黑色长卷发'),
  c('medium3', 'shoulder-length black hair', '黑色及肩发'),
];
const MALE_HAIR: Choice[] = [
  c('short2', 'short neat black hair', '黑色利落短发'),
  c('pomp', 'a black quiff', '黑色飞机头'),
  c('short1', 'slicked black hair with a side part', '黑色侧分油头'),
  c('shaved3', 'messy spiky black hair', '黑色凌乱碎发'),
  c('flatTop', 'a black flat-top', '黑色平头'),
  c('shaved1', 'short side-swept black hair', '黑色侧扫短发'),
  c('short3', 'short curly black hair', '黑色短卷发'),
  c('short5', 'a spiky black crew cut', '黑色刺猬头'),
  c('shaved2', 'short rounded black hair', '黑色圆寸'),
];
const ELDER_FEMALE_HAIR: Choice[] = [
  c('grayBun', 'grey hair in a bun', '灰白的发髻'),
  c('grayMedium', 'medium-length grey hair', '灰白的中长发'),
];
const ELDER_MALE_HAIR: Choice[] = [
  c('grayShort', 'short grey hair', '灰白短发'),
  c('grayMedium', 'swept-back grey hair', '灰白的中长发'),
];
const GREY = 'e8e1e1';

const SKIN: Record<Language, Choice[]> = {
  zh: [c('ffdbb4', 'fair skin', '皮肤白皙'), c('edb98a', 'light skin', '肤色偏黄')],
  en: [
    c('ffdbb4', 'fair skin', '皮肤白皙'),
    c('edb98a', 'light skin', '肤色偏黄'),
    c('d08b5b', 'light brown skin', '小麦色皮肤'),
    c('ae5d29', 'brown skin', '棕色皮肤'),
    c('694d3d', 'dark brown skin', '深棕色皮肤'),
  ],
};

const CLOTHES: Choice[] = [
  c('e78276', 'coral red', '珊瑚红'),
  c('34495e', 'navy blue', '藏青色'),
  c('78e185', 'mint green', '薄荷绿'),
  c('ffcf77', 'apricot', '杏黄色'),
  c('8fa7df', 'periwinkle blue', '雾蓝色'),
  c('3a3a3a', 'charcoal grey', '炭灰色'),
  c('e279c7', 'orchid pink', '玫粉色'),
  c('f4f1ea', 'off-white', '米白色'),
  c('7f5539', 'coffee brown', '咖啡色'),
  c('8e6cc4', 'violet', '紫罗兰色'),
  c('9ddadb', 'pale teal', '浅青色'),
  c('c0392b', 'crimson', '深红色'),
];

const BEARDS: Choice[] = [c('full', 'a full beard', '络腮胡'), c('goatee1', 'a goatee', '山羊胡')];
const GLASSES = c('glasses', 'glasses', '眼镜');
const FACES = ['calm', 'smile', 'serious', 'cute'];

const WHO: Record<Age, Record<PortraitSubject['gender'], Words>> = {
  child: {
    female: { en: 'a girl', zh: '女孩' },
    male: { en: 'a boy', zh: '男孩' },
    unknown: { en: 'a child', zh: '孩子' },
  },
  adult: {
    female: { en: 'a young woman', zh: '年轻女性' },
    male: { en: 'a young man', zh: '年轻男性' },
    unknown: { en: 'a young person', zh: '年轻人' },
  },
  senior: {
    female: { en: 'a middle-aged woman', zh: '中年女性' },
    male: { en: 'a middle-aged man', zh: '中年男性' },
    unknown: { en: 'a middle-aged person', zh: '中年人' },
  },
  elder: {
    female: { en: 'an elderly woman', zh: '老年女性' },
    male: { en: 'an elderly man', zh: '老年男性' },
    unknown: { en: 'an elderly person', zh: '老人' },
  },
};

/** FNV-1a: a small stable number from text. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The first choice, from a start picked by `h`, that `free` accepts; else the one at the start. */
function pick<T>(list: readonly T[], h: number, free: (item: T) => boolean): T {
  const start = h % list.length;
  for (let i = 0; i < list.length; i++) {
    const item = list[(start + i) % list.length] as T;
    if (free(item)) return item;
  }
  return list[start] as T;
}

function hairFor(gender: PortraitSubject['gender'], age: Age): Choice[] {
  const elder = age === 'elder';
  if (gender === 'female') return elder ? ELDER_FEMALE_HAIR : FEMALE_HAIR;
  if (gender === 'male') return elder ? ELDER_MALE_HAIR : MALE_HAIR;
  return elder ? [...ELDER_FEMALE_HAIR, ...ELDER_MALE_HAIR] : [...FEMALE_HAIR, ...MALE_HAIR];
}

function describe(
  language: Language,
  who: Words,
  parts: { hair: Choice; skin: Choice; clothes: Choice; beard?: Choice; glasses: boolean },
): string {
  const { hair, skin, clothes, beard, glasses } = parts;
  if (language === 'zh') {
    const extras = [beard ? `留${beard.zh}` : '', glasses ? `戴${GLASSES.zh}` : ''].filter(Boolean);
    return [hair.zh, skin.zh, ...extras, `身穿${clothes.zh}上衣的${who.zh}`].join('，');
  }
  const extras = [beard?.en, glasses ? GLASSES.en : undefined].filter(Boolean);
  const wearing = extras.length > 0 ? `, with ${extras.join(' and ')}` : '';
  return `${who.en} with ${hair.en} and ${skin.en}${wearing}, wearing a ${clothes.en} top`;
}

/** Open Peeps portraits, rasterised with resvg (no native addon). */
export class OpenPeepsPortraitPainter implements PortraitPainter {
  readonly model = 'open-peeps-9.4.3';

  design(subjects: readonly PortraitSubject[], options: { seed: string; language: Language }) {
    const usedHair = new Set<string>();
    const usedClothes = new Set<string>();
    const usedLooks = new Set<string>();
    return subjects.map((subject): PortraitDesign => {
      const h = (what: string) => hashOf(`${options.seed}\u0000${subject.name}\u0000${what}`);
      const age = ageOf(subject);
      const hairs = hairFor(subject.gender, age);
      const hair = pick(hairs, h('hair'), (x) => !usedHair.has(x.value));
      // Clothes keep two people apart even when the hair styles run out; the pair is never repeated.
      const clothes = pick(
        CLOTHES,
        h('clothes'),
        (x) => !usedClothes.has(x.value) && !usedLooks.has(`${hair.value}/${x.value}`),
      );
      usedHair.add(hair.value);
      usedClothes.add(clothes.value);
      usedLooks.add(`${hair.value}/${clothes.value}`);
      const skin = pick(SKIN[options.language], h('skin'), () => true);
      const beard =
        subject.gender === 'male' && age !== 'child' && h('beard') % 3 === 0
          ? pick(BEARDS, h('beard-kind'), () => true)
          : undefined;
      const glasses = age !== 'child' && h('glasses') % 4 === 0;
      const face = age === 'elder' ? 'old' : pick(FACES, h('face'), () => true);
      const look: Record<string, string> = {
        head: hair.value,
        face,
        skinColor: skin.value,
        clothingColor: clothes.value,
        headContrastColor: age === 'elder' ? GREY : '2c1b18',
        ...(beard ? { facialHair: beard.value } : {}),
        ...(glasses ? { accessories: GLASSES.value } : {}),
      };
      const who = WHO[age][subject.gender];
      return {
        name: subject.name,
        description: describe(options.language, who, { hair, skin, clothes, beard, glasses }),
        look,
      };
    });
  }

  async paint(design: PortraitDesign, outPath: string, options: { size?: number } = {}) {
    await writeFile(outPath, await rasteriseSvg(portraitSvg(design), { width: options.size ?? 512 }));
    return { path: outPath };
  }
}

/** The SVG of a design: every option fixed, nothing left to chance. */
export function portraitSvg(design: PortraitDesign): string {
  const look = design.look;
  const one = (key: string) => (look[key] ? [look[key]] : undefined);
  return createAvatar(openPeeps, {
    seed: design.name,
    head: one('head') as openPeeps.Options['head'],
    face: one('face') as openPeeps.Options['face'],
    skinColor: one('skinColor'),
    clothingColor: one('clothingColor'),
    headContrastColor: one('headContrastColor'),
    facialHair: one('facialHair') as openPeeps.Options['facialHair'],
    facialHairProbability: look.facialHair ? 100 : 0,
    accessories: one('accessories') as openPeeps.Options['accessories'],
    accessoriesProbability: look.accessories ? 100 : 0,
    maskProbability: 0,
  }).toString();
}
