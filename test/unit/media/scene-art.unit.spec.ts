import { describe, expect, it } from '@jest/globals';
import { backdropSvg } from '../../../src/infrastructure/media/art/backdrops.js';
import { castSvg, pictureSvg } from '../../../src/infrastructure/media/art/compose.js';
import { layoutFigures } from '../../../src/infrastructure/media/art/figures.js';
import { classifyPlace, PLACE_KINDS, type TimeOfDay } from '../../../src/infrastructure/media/art/places.js';
import { framesToRender } from '../../../src/infrastructure/media/frame-plan.js';
import { settingFromHeading } from '../../../src/infrastructure/media/local-providers.js';
import { segmentStarts, speakerSegments } from '../../../src/infrastructure/media/picture-track.js';

const TIMES: TimeOfDay[] = ['dawn', 'day', 'dusk', 'night'];

describe('place classifier', () => {
  it.each([
    ['国贸写字楼 23 层', 'office'],
    ['科技公司开放办公区', 'office'],
    ['学校教师办公室', 'office'],
    ['后海湖边', 'waterside'],
    ['江边步道', 'waterside'],
    ['hospital corridor', 'hospital'],
    ['医院急诊走廊', 'hospital'],
    ['地铁站台', 'station'],
    ['subway platform', 'station'],
    ['咖啡馆', 'cafe'],
    ['corner café', 'cafe'],
    ['出租屋', 'home'],
    ['family living room', 'home'],
    ['深夜便利店', 'shop'],
    ['独立书店', 'shop'],
    ['大学图书馆', 'library'],
    ['街角小酒馆', 'restaurant'],
    ['餐厅后厨', 'restaurant'],
    ['写字楼天台', 'rooftop'],
    ['公司年会现场', 'hall'],
    ['胡同口', 'street'],
    ['城市天桥', 'street'],
    ['Shibuya crossing', 'street'],
    ['深圳湾公园', 'waterside'],
    ['Central Park', 'park'],
    ['洪崖洞', 'generic'],
    ['', 'generic'],
  ])('%s → %s', (place, kind) => {
    expect(classifyPlace(place)).toBe(kind);
  });
});

/** The frame gate's text detector (test/int/media/frame-gate.int.spec.ts): the art must never match it. */
const textLike = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return (r >= 235 && g >= 235 && b >= 235) || Math.hypot(r - 255, g - 216, b - 96) < 40;
};

describe('backdrops', () => {
  const sample: Record<string, string> = {
    office: '国贸写字楼 23 层',
    hospital: 'hospital corridor',
    cafe: '咖啡馆',
    restaurant: '街角小酒馆',
    home: '出租屋',
    shop: '深夜便利店',
    library: '大学图书馆',
    station: '地铁站台',
    street: '胡同口',
    waterside: '后海湖边',
    park: 'Central Park',
    rooftop: '写字楼天台',
    hall: '公司年会现场',
    generic: '洪崖洞',
  };

  it('has a sample for every place kind', () => {
    expect(Object.keys(sample).sort()).toEqual([...PLACE_KINDS].sort());
  });

  it('draws the same place the same way every time, and two places of one kind differently', () => {
    const draw = (place: string) => backdropSvg({ place, timeOfDay: 'night', width: 1382, height: 778 });
    expect(draw('国贸写字楼 23 层')).toBe(draw('国贸写字楼 23 层'));
    expect(draw('国贸写字楼 23 层')).not.toBe(draw('望京写字楼 8 层'));
    expect(draw('国贸写字楼 23 层')).not.toBe(
      backdropSvg({ place: '国贸写字楼 23 层', timeOfDay: 'day', width: 1382, height: 778 }),
    );
  });

  it('uses no <text> and no colour the frame gate reads as text, in any kind, time or aspect', () => {
    const figures = [
      { name: '林晓', description: '白衬衫、黑框眼镜' },
      { name: 'Dana', description: 'a white coat' },
      { name: '王总', description: 'yellow scarf' },
    ];
    for (const place of Object.values(sample)) {
      for (const timeOfDay of TIMES) {
        for (const [width, height] of [
          [1382, 778],
          [778, 1382],
        ] as const) {
          const svg = pictureSvg({ setting: { place, timeOfDay }, figures, width, height, speaker: 'Dana' });
          expect(svg).not.toMatch(/<text/);
          const colours = svg.match(/#[0-9a-f]{6}\b/gi) ?? [];
          expect(colours.length).toBeGreaterThan(10);
          expect(colours.filter(textLike)).toEqual([]);
        }
      }
    }
  });
});

describe('characters', () => {
  it('places 1–7 people deterministically, front row first, faces inside the frame width', () => {
    for (const [width, height] of [
      [1280, 720],
      [720, 1280],
    ] as const) {
      for (let n = 1; n <= 7; n++) {
        const places = layoutFigures(n, width, height);
        expect(places).toEqual(layoutFigures(n, width, height));
        expect(places).toHaveLength(n);
        for (const p of places) {
          const centre = p.x + p.size / 2;
          expect(centre).toBeGreaterThan(0);
          expect(centre).toBeLessThan(width);
          expect(p.y + p.size).toBeLessThanOrEqual(height * 1.03);
        }
        const front = places.filter((p) => p.row === 'front');
        expect(places.slice(0, front.length)).toEqual(front);
      }
    }
    expect(layoutFigures(12, 1280, 720)).toHaveLength(7);
  });

  it('draws a portrait when the cast has one and a figure when not, and lights the speaker', () => {
    const portrait = Buffer.from('89504e470d0a1a0a', 'hex');
    const input = {
      setting: { place: '咖啡馆' },
      figures: [
        { name: 'A', description: '', portrait },
        { name: 'B', description: '' },
      ],
      width: 1382,
      height: 778,
    };
    const quiet = castSvg({ ...input, speaker: null });
    expect(quiet).toContain(`data:image/png;base64,${portrait.toString('base64')}`);
    expect(quiet).not.toContain('filter="url(');
    const bSpeaks = castSvg({ ...input, speaker: 'B' });
    expect(bSpeaks).not.toBe(quiet);
    expect(bSpeaks.match(/filter="url\(/g)).toHaveLength(1);
    expect(castSvg({ ...input, speaker: 'someone else' })).toBe(quiet);
  });
});

describe('speaker segments', () => {
  const fps = 24;
  const cues = [
    { startSec: 1, endSec: 2, speaker: 'A' },
    { startSec: 2.2, endSec: 3, speaker: 'A' },
    { startSec: 3.5, endSec: 5, speaker: 'Narrator' },
    { startSec: 5.5, endSec: 7, speaker: 'B' },
  ];

  it('covers every frame once, lights each named speaker from their first cue to their last, nobody else', () => {
    const frameCount = 8 * fps;
    const segments = speakerSegments(cues, ['A', 'B'], fps, frameCount);
    expect(segments.reduce((sum, s) => sum + s.frames, 0)).toBe(frameCount + 1);
    expect(segments).toEqual([
      { speaker: null, frames: 24 },
      { speaker: 'A', frames: 48 },
      { speaker: null, frames: 60 },
      { speaker: 'B', frames: 36 },
      { speaker: null, frames: frameCount + 1 - 168 },
    ]);
    expect(segmentStarts(segments)).toEqual([24, 72, 132, 168]);
  });

  it('renders the frames where the picture changes', () => {
    const frames = framesToRender({ fps, frameCount: 240, fadeFrames: 10, spans: [], changes: [100, 150] });
    expect(frames).toEqual(expect.arrayContaining([100, 150]));
  });
});

describe('settingFromHeading', () => {
  it('reads the place and the time from a scene heading', () => {
    expect(settingFromHeading('第1集 第2场 · 北京·后海湖边 · 夜')).toEqual({
      place: '北京·后海湖边',
      timeOfDay: 'night',
    });
    expect(settingFromHeading('Episode 1 · Scene 3 · corner café · dusk')).toEqual({
      place: 'corner café',
      timeOfDay: 'dusk',
    });
    expect(settingFromHeading('a rooftop at night')).toEqual({ place: 'a rooftop at night' });
  });
});
