import { classifyPlace, placeHash, seeded, type PlaceKind, type TimeOfDay } from './places.js';
import { Svg } from './svg-kit.js';

/**
 * Place backdrops as vector art, one drawing per place kind, lit for the time of day. Details (colours,
 * window counts, where the props stand) come from a hash of the location text, so the same place looks
 * the same in every scene of every drama and two offices still differ. Props keep to the upper and
 * side parts of the frame: the lower middle is where the characters stand.
 */

interface Scene {
  svg: Svg;
  w: number;
  h: number;
  u: number;
  rand: () => number;
  /** A hue for this place (walls, awnings), from its hash. */
  hue: number;
  text: string;
}

const between = (rand: () => number, a: number, b: number) => a + rand() * (b - a);

const SKY: Record<TimeOfDay, [string, string, string]> = {
  dawn: ['#3d4a7c', '#a88aa8', '#eaa47f'],
  day: ['#4c8ccf', '#83bbe4', '#bfdcec'],
  dusk: ['#2a2d5a', '#94577a', '#ec8a55'],
  night: ['#060a20', '#0f1839', '#22305c'],
};

function sky(s: Scene, bottom: number): void {
  const { svg, w, u, rand } = s;
  const [top, mid, low] = SKY[svg.time];
  svg.rect(
    0,
    0,
    w,
    bottom,
    svg.linear([
      [0, top],
      [0.6, mid],
      [1, low],
    ]),
  );
  if (svg.time === 'night') {
    for (let i = 0; i < 40; i++) {
      svg.ellipse(
        rand() * w,
        rand() * bottom * 0.7,
        u * 0.18,
        u * 0.18,
        '#c9cfe6',
        `fill-opacity="${r2(between(rand, 0.4, 0.9))}"`,
      );
    }
    const mx = w * between(rand, 0.6, 0.85);
    svg.ellipse(mx, bottom * 0.2, u * 3.2, u * 3.2, svg.glow('#e4dcc0'));
    svg.ellipse(mx + u * 1.3, bottom * 0.2 - u * 0.8, u * 2.8, u * 2.8, top);
  } else {
    const sunY = svg.time === 'day' ? bottom * 0.18 : bottom * 0.78;
    const sunColour = svg.time === 'day' ? '#f3d9a0' : svg.time === 'dusk' ? '#f07a4a' : '#f2a070';
    const sx = w * (svg.time === 'dawn' ? 0.25 : 0.78);
    svg.ellipse(
      sx,
      sunY,
      u * 9,
      u * 9,
      svg.radial([
        [0, sunColour, 0.55],
        [1, sunColour, 0],
      ]),
    );
    svg.ellipse(sx, sunY, u * 3.6, u * 3.6, svg.glow(sunColour));
    for (let i = 0; i < 3; i++) {
      const cx = rand() * w;
      const cy = bottom * between(rand, 0.12, 0.45);
      const cloud = svg.col(215, 0.25, 0.78);
      for (let k = 0; k < 3; k++)
        svg.ellipse(
          cx + (k - 1) * u * 4,
          cy - (k === 1 ? u * 1.5 : 0),
          u * 5,
          u * 2.4,
          cloud,
          'fill-opacity="0.75"',
        );
    }
  }
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** A row of buildings standing on `base`, with windows; lit at dusk and night. */
function skyline(s: Scene, x0: number, x1: number, base: number, tall: number, lightness: number): void {
  const { svg, u, rand } = s;
  let x = x0;
  while (x < x1) {
    const bw = Math.min(between(rand, 6, 14) * u, x1 - x);
    const bh = between(rand, 0.35, 1) * tall;
    const body = svg.col(220 + rand() * 30, 0.18, lightness + rand() * 0.06);
    svg.rect(x, base - bh, bw, bh, body);
    const cols = Math.max(1, Math.floor(bw / (u * 2.2)));
    const rows = Math.max(1, Math.floor(bh / (u * 2.6)));
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        if (rand() < 0.35) continue;
        const on = svg.lit && rand() < 0.55;
        const fill = on ? svg.glow('#e0a85a') : svg.col(210, 0.25, lightness + 0.12);
        svg.rect(x + u * 0.7 + c * u * 2.2, base - bh + u * 1 + r * u * 2.6, u * 1, u * 1.4, fill);
      }
    }
    x += bw + between(rand, 0.3, 1.5) * u;
  }
}

/** A window onto the city: sky and buildings drawn inside the frame (no clip path: resvg would add a layer). */
function windowView(s: Scene, x: number, y: number, w: number, h: number): void {
  const { svg, u, rand } = s;
  const [top, mid, low] = SKY[svg.time];
  svg.rect(
    x,
    y,
    w,
    h,
    svg.linear([
      [0, top],
      [0.6, mid],
      [1, low],
    ]),
  );
  if (svg.time === 'night') {
    for (let i = 0; i < 12; i++)
      svg.ellipse(x + u + rand() * (w - 2 * u), y + u + rand() * h * 0.3, u * 0.18, u * 0.18, '#c9cfe6');
  } else {
    for (let i = 0; i < 2; i++) {
      const cx = x + u * 6 + rand() * (w - u * 12);
      const cy = y + u * 4 + rand() * h * 0.2;
      for (let k = 0; k < 3; k++)
        svg.ellipse(
          cx + (k - 1) * u * 3,
          cy - (k === 1 ? u : 0),
          u * 3.5,
          u * 1.7,
          svg.col(215, 0.25, 0.78),
          'fill-opacity="0.75"',
        );
    }
  }
  skyline(s, x, x + w, y + h, h * 0.65, 0.32);
  const frame = svg.col(s.hue, 0.1, 0.3);
  svg.rect(x, y, w, h, 'none', `stroke="${frame}" stroke-width="${u * 0.8}"`);
  const panes = Math.max(1, Math.round(w / (u * 14)));
  for (let i = 1; i < panes; i++) svg.rect(x + (w * i) / panes - u * 0.3, y, u * 0.6, h, frame);
}

function room(
  s: Scene,
  wallHue: number,
  wallSat: number,
  wallL: number,
  floorY: number,
  floorHue = 30,
): void {
  const { svg, w, h } = s;
  svg.rect(
    0,
    0,
    w,
    floorY,
    svg.linear([
      [0, svg.col(wallHue, wallSat, wallL - 0.08)],
      [1, svg.col(wallHue, wallSat, wallL)],
    ]),
  );
  svg.rect(
    0,
    floorY,
    w,
    h - floorY,
    svg.linear([
      [0, svg.col(floorHue, 0.25, 0.4)],
      [1, svg.col(floorHue, 0.3, 0.24)],
    ]),
  );
  svg.rect(0, floorY - s.u * 0.8, w, s.u * 0.8, svg.col(wallHue, wallSat, wallL - 0.25));
}

function lampLight(s: Scene, x: number, y: number, radius: number): void {
  if (!s.svg.lit) return;
  const light = s.svg.glow('#f0b860');
  s.svg.ellipse(
    x,
    y,
    radius,
    radius,
    s.svg.radial([
      [0, light, 0.5],
      [1, light, 0],
    ]),
  );
}

function pendant(s: Scene, x: number, y: number): void {
  const { svg, u } = s;
  svg.rect(x - u * 0.1, 0, u * 0.2, y, svg.col(0, 0, 0.15));
  svg.path(
    `M${x - u * 2.2} ${y + u * 2}L${x - u * 0.8} ${y}L${x + u * 0.8} ${y}L${x + u * 2.2} ${y + u * 2}Z`,
    svg.col(s.hue + 20, 0.4, 0.3),
  );
  svg.ellipse(x, y + u * 2.1, u * 1.6, u * 0.5, svg.glow(svg.lit ? '#f0b860' : '#d8c9a0'));
  lampLight(s, x, y + u * 3, u * 12);
}

function plant(s: Scene, x: number, base: number, size: number): void {
  const { svg, rand } = s;
  svg.path(
    `M${x - size * 0.3} ${base - size * 0.4}L${x + size * 0.3} ${base - size * 0.4}L${x + size * 0.22} ${base}L${x - size * 0.22} ${base}Z`,
    svg.col(20, 0.35, 0.38),
  );
  for (let i = 0; i < 7; i++) {
    const a = -Math.PI / 2 + (i - 3) * 0.38;
    const len = size * between(rand, 0.6, 0.95);
    svg.ellipse(
      x + Math.cos(a) * len * 0.5,
      base - size * 0.4 + Math.sin(a) * len * 0.5,
      size * 0.12,
      len * 0.5,
      svg.col(120 + rand() * 25, 0.4, 0.32),
      `transform="rotate(${r2((a * 180) / Math.PI + 90)} ${r2(x + Math.cos(a) * len * 0.5)} ${r2(base - size * 0.4 + Math.sin(a) * len * 0.5)})"`,
    );
  }
}

function shelf(
  s: Scene,
  x: number,
  y: number,
  w: number,
  h: number,
  items: 'books' | 'goods' | 'bottles' | 'cups',
): void {
  const { svg, u, rand } = s;
  svg.rect(x, y, w, h, svg.col(28, 0.35, 0.3));
  const rows = Math.max(2, Math.round(h / (u * 6)));
  const rowH = h / rows;
  for (let r = 0; r < rows; r++) {
    const base = y + (r + 1) * rowH - u * 0.5;
    svg.rect(x, base, w, u * 0.6, svg.col(28, 0.35, 0.22));
    let cx = x + u * 0.6;
    while (cx < x + w - u * 1.5) {
      const hue = rand() * 360;
      if (items === 'books') {
        const bw = between(rand, 0.7, 1.4) * u;
        const bh = rowH * between(rand, 0.55, 0.85);
        svg.rect(cx, base - bh, bw, bh, svg.col(hue, 0.45, 0.42));
        cx += bw + u * 0.1;
      } else if (items === 'bottles') {
        const bh = rowH * between(rand, 0.5, 0.8);
        svg.rect(cx, base - bh, u * 0.9, bh, svg.col(hue, 0.5, 0.35), 'rx="2"');
        cx += u * 1.4;
      } else if (items === 'cups') {
        svg.rect(cx, base - u * 1.4, u * 1.4, u * 1.4, svg.col(hue, 0.2, 0.62), 'rx="2"');
        cx += u * 2.2;
      } else {
        const bw = between(rand, 1.5, 3) * u;
        const bh = rowH * between(rand, 0.4, 0.75);
        svg.rect(cx, base - bh, bw, bh, svg.col(hue, 0.55, 0.48));
        cx += bw + u * 0.3;
      }
    }
  }
}

function tree(s: Scene, x: number, base: number, size: number): void {
  const { svg, rand } = s;
  svg.rect(x - size * 0.05, base - size * 0.6, size * 0.1, size * 0.6, svg.col(25, 0.35, 0.25));
  const leaf = svg.col(110 + rand() * 30, 0.4, 0.3);
  for (let i = 0; i < 5; i++) {
    svg.ellipse(
      x + (rand() - 0.5) * size * 0.5,
      base - size * (0.65 + rand() * 0.3),
      size * 0.28,
      size * 0.24,
      leaf,
    );
  }
}

function streetLamp(s: Scene, x: number, base: number, tall: number): void {
  const { svg, u } = s;
  svg.rect(x - u * 0.3, base - tall, u * 0.6, tall, svg.col(220, 0.1, 0.2));
  svg.rect(x - u * 1.2, base - tall - u * 0.6, u * 2.4, u * 1, svg.col(220, 0.1, 0.2));
  svg.ellipse(x, base - tall + u * 0.6, u * 0.9, u * 0.5, svg.glow(svg.lit ? '#f0b860' : '#bfb8a0'));
  lampLight(s, x, base - tall + u, u * 10);
}

function desk(s: Scene, x: number, top: number, w: number): void {
  const { svg, u } = s;
  svg.rect(x, top, w, u * 1.2, svg.col(30, 0.2, 0.45));
  svg.rect(x + u, top + u * 1.2, u * 0.8, u * 6, svg.col(30, 0.1, 0.3));
  svg.rect(x + w - u * 1.8, top + u * 1.2, u * 0.8, u * 6, svg.col(30, 0.1, 0.3));
  const mw = Math.min(w * 0.4, u * 9);
  const mx = x + w / 2 - mw / 2;
  svg.rect(mx, top - mw * 0.62, mw, mw * 0.58, svg.col(220, 0.15, 0.18), 'rx="3"');
  svg.rect(
    mx + u * 0.5,
    top - mw * 0.62 + u * 0.5,
    mw - u,
    mw * 0.58 - u,
    svg.glow(svg.lit ? '#5fa8c8' : '#41607a'),
  );
  svg.rect(x + w / 2 - u * 0.4, top - mw * 0.05, u * 0.8, mw * 0.05, svg.col(220, 0.1, 0.2));
}

function table(s: Scene, x: number, top: number, w: number, cloth: string): void {
  const { svg, u } = s;
  svg.ellipse(x, top, w / 2, u * 1.6, cloth);
  svg.rect(x - w / 2, top, w, u * 3, cloth);
  svg.rect(x - u * 0.5, top + u * 3, u, u * 6, svg.col(30, 0.1, 0.2));
}

const DRAW: Record<PlaceKind, (s: Scene) => void> = {
  office(s) {
    const { svg, w, h, u, rand } = s;
    const floorY = h * 0.68;
    room(s, 210 + s.hue * 0.05, 0.12, 0.7, floorY, 215);
    const top = h * 0.07;
    windowView(s, w * 0.04, top, w * 0.92, h * 0.42);
    for (let i = 0; i < 4; i++)
      svg.rect(w * (0.1 + i * 0.22), 0, w * 0.14, u * 0.9, svg.glow(svg.lit ? '#d8d0b0' : '#c0c4c8'));
    const desks = Math.max(2, Math.round(w / (u * 32)));
    for (let i = 0; i < desks; i++) desk(s, (w * i) / desks + u * 2, floorY - u * 7, w / desks - u * 4);
    plant(s, w * between(rand, 0.02, 0.08) + u * 3, floorY + u * 2, u * 9);
    if (svg.lit) svg.rect(0, 0, w, h, '#0a1030', 'fill-opacity="0.12"');
  },
  hospital(s) {
    const { svg, w, h, u } = s;
    const vx = w * 0.5;
    const vy = h * 0.42;
    const wall = svg.col(170 + (s.hue % 30), 0.18, 0.72);
    svg.rect(0, 0, w, h, wall);
    const ew = w * 0.22;
    const eh = h * 0.28;
    svg.rect(vx - ew / 2, vy - eh / 2, ew, eh, svg.col(170, 0.15, 0.62));
    svg.rect(vx - ew * 0.3, vy - eh * 0.35, ew * 0.6, eh * 0.5, svg.glow(svg.lit ? '#20305a' : '#9cc6dc'));
    svg.poly(
      [
        [0, h],
        [w, h],
        [vx + ew / 2, vy + eh / 2],
        [vx - ew / 2, vy + eh / 2],
      ],
      svg.linear([
        [0, svg.col(190, 0.1, 0.52)],
        [1, svg.col(190, 0.12, 0.36)],
      ]),
    );
    svg.poly(
      [
        [0, 0],
        [w, 0],
        [vx + ew / 2, vy - eh / 2],
        [vx - ew / 2, vy - eh / 2],
      ],
      svg.col(180, 0.1, 0.78),
    );
    for (let i = 0; i < 4; i++) {
      const t = 0.15 + i * 0.22;
      const y = (vy - eh / 2) * t;
      const half = (w / 2) * (1 - t) + (ew / 2) * t;
      svg.rect(vx - half * 0.3, y, half * 0.6, u * 1.2 * (1 - t * 0.6), svg.glow('#d4dcd0'));
    }
    const stripe = svg.col(150, 0.35, 0.45);
    const door = svg.col(200, 0.25, 0.5);
    for (const side of [-1, 1]) {
      const near = side < 0 ? 0 : w;
      const far = vx + (side * ew) / 2;
      // A point on the side wall: t runs from the near edge (0) to the far end (1), f from floor (0) up.
      const at = (t: number, f: number): [number, number] => {
        const top = (vy - eh / 2) * t;
        const bottom = h + (vy + eh / 2 - h) * t;
        return [near + (far - near) * t, bottom - f * (bottom - top)];
      };
      svg.poly([at(0, 0.38), at(1, 0.38), at(1, 0.42), at(0, 0.42)], stripe);
      for (const t of [0.2, 0.55]) {
        const t1 = t + 0.15;
        svg.poly([at(t, 0.72), at(t1, 0.72), at(t1, 0), at(t, 0)], door);
      }
    }
  },
  cafe(s) {
    const { svg, w, h, u, rand } = s;
    const floorY = h * 0.7;
    room(s, 25 + (s.hue % 20), 0.35, 0.55, floorY, 25);
    for (let y = u * 2; y < floorY * 0.55; y += u * 3) {
      for (let x = (y / (u * 3)) % 2 ? 0 : u * 3; x < w; x += u * 6)
        svg.rect(x, y, u * 5.6, u * 2.6, svg.col(15 + rand() * 10, 0.4, 0.45), 'fill-opacity="0.5"');
    }
    windowView(s, w * 0.05, h * 0.12, w * 0.34, h * 0.4);
    svg.rect(w * 0.58, floorY - h * 0.2, w * 0.42, h * 0.2, svg.col(25, 0.4, 0.3));
    svg.rect(w * 0.58, floorY - h * 0.2, w * 0.42, u * 1.2, svg.col(25, 0.3, 0.5));
    svg.rect(w * 0.75, floorY - h * 0.2 - u * 7, u * 7, u * 7, svg.col(0, 0, 0.35), 'rx="4"');
    shelf(s, w * 0.6, h * 0.12, w * 0.36, h * 0.22, 'cups');
    svg.rect(
      w * 0.44,
      h * 0.12,
      w * 0.1,
      h * 0.22,
      svg.col(150, 0.2, 0.18),
      `stroke="${svg.col(30, 0.4, 0.35)}" stroke-width="${u * 0.7}"`,
    );
    for (const x of [0.2, 0.5, 0.8]) pendant(s, w * x, h * 0.08);
    plant(s, w * 0.45, floorY, u * 8);
  },
  restaurant(s) {
    const { svg, w, h, u } = s;
    const floorY = h * 0.68;
    const bar = /酒|bar|pub/i.test(s.text);
    room(s, bar ? 15 : 5 + (s.hue % 25), bar ? 0.3 : 0.45, bar ? 0.36 : 0.48, floorY, 20);
    if (bar) shelf(s, w * 0.1, h * 0.1, w * 0.8, h * 0.36, 'bottles');
    else {
      windowView(s, w * 0.62, h * 0.12, w * 0.32, h * 0.36);
      svg.rect(
        w * 0.08,
        h * 0.14,
        w * 0.22,
        h * 0.28,
        svg.col(40, 0.5, 0.35),
        `stroke="${svg.col(30, 0.5, 0.25)}" stroke-width="${u}"`,
      );
      svg.ellipse(w * 0.19, h * 0.28, w * 0.06, h * 0.08, svg.col(5, 0.55, 0.42));
    }
    for (const x of [0.15, 0.4, 0.65, 0.88]) {
      if (bar) pendant(s, w * x, h * 0.06);
      else {
        svg.rect(w * x - u * 0.1, 0, u * 0.2, h * 0.07, svg.col(0, 0, 0.2));
        svg.ellipse(w * x, h * 0.1, u * 2.4, u * 3, svg.glow('#c8402a'));
        lampLight(s, w * x, h * 0.1, u * 9);
      }
    }
    const cloth = bar ? svg.col(25, 0.35, 0.3) : svg.col(0, 0.5, 0.5);
    for (const x of [0.12, 0.88]) table(s, w * x, floorY + u, w * 0.16, cloth);
  },
  home(s) {
    const { svg, w, h, u, rand } = s;
    const floorY = h * 0.7;
    room(s, s.hue, 0.22, 0.62, floorY, 30);
    const wx = w * between(rand, 0.52, 0.6);
    windowView(s, wx, h * 0.1, w * 0.3, h * 0.38);
    const curtain = svg.col(s.hue + 180, 0.35, 0.45);
    svg.rect(wx - w * 0.05, h * 0.06, w * 0.06, h * 0.5, curtain);
    svg.rect(wx + w * 0.29, h * 0.06, w * 0.06, h * 0.5, curtain);
    svg.rect(
      w * 0.1,
      h * 0.16,
      w * 0.14,
      h * 0.2,
      svg.col(s.hue + 90, 0.3, 0.4),
      `stroke="${svg.col(30, 0.4, 0.25)}" stroke-width="${u * 0.8}"`,
    );
    svg.poly(
      [
        [w * 0.1, h * 0.36],
        [w * 0.17, h * 0.24],
        [w * 0.24, h * 0.36],
      ],
      svg.col(120, 0.3, 0.35),
    );
    shelf(s, w * 0.86, h * 0.12, w * 0.12, h * 0.56, 'books');
    svg.rect(w * 0.03, floorY - h * 0.16, w * 0.34, h * 0.14, svg.col(s.hue + 200, 0.3, 0.35), 'rx="10"');
    svg.rect(w * 0.03, floorY - h * 0.24, w * 0.34, h * 0.1, svg.col(s.hue + 200, 0.3, 0.3), 'rx="10"');
    svg.rect(w * 0.44, h * 0.3, u * 0.5, floorY - h * 0.3, svg.col(0, 0, 0.2));
    svg.path(
      `M${w * 0.44 - u * 3} ${h * 0.3 + u * 3}L${w * 0.44 - u * 1.5} ${h * 0.25}L${w * 0.44 + u * 2} ${h * 0.25}L${w * 0.44 + u * 3.5} ${h * 0.3 + u * 3}Z`,
      svg.glow(svg.lit ? '#e8b870' : '#c8b89a'),
    );
    lampLight(s, w * 0.44, h * 0.3, u * 14);
    if (svg.time === 'night') svg.rect(0, 0, w, h, '#0a0f2a', 'fill-opacity="0.15"');
  },
  shop(s) {
    const { svg, w, h, u } = s;
    const floorY = h * 0.72;
    const books = /书|book/i.test(s.text);
    room(s, books ? 35 : 190, books ? 0.3 : 0.1, books ? 0.55 : 0.75, floorY, books ? 30 : 200);
    for (let i = 0; i < 3; i++)
      shelf(s, w * (0.03 + i * 0.33), h * 0.1, w * 0.28, h * 0.5, books ? 'books' : 'goods');
    for (let i = 0; i < 3; i++) svg.rect(w * (0.12 + i * 0.3), 0, w * 0.14, u * 0.9, svg.glow('#cfd8d8'));
    if (!books) {
      svg.rect(w * 0.7, h * 0.62, w * 0.3, h * 0.1, svg.col(200, 0.15, 0.5));
      svg.rect(w * 0.7, h * 0.62, w * 0.3, u, svg.col(200, 0.2, 0.62));
    }
    if (svg.time === 'night') svg.rect(0, 0, w, h, '#fff6e0', 'fill-opacity="0.04"');
  },
  library(s) {
    const { w, h, u } = s;
    const floorY = h * 0.72;
    room(s, 35 + (s.hue % 20), 0.3, 0.5, floorY, 28);
    for (let i = 0; i < 4; i++) shelf(s, w * (0.02 + i * 0.25), h * 0.06, w * 0.2, h * 0.6, 'books');
    for (const x of [0.25, 0.75]) pendant(s, w * x, h * 0.1);
    desk(s, w * 0.62, floorY - u * 6, w * 0.3);
  },
  station(s) {
    const { svg, w, h, u, rand } = s;
    const platformY = h * 0.62;
    svg.rect(0, 0, w, platformY, svg.col(200 + (s.hue % 40), 0.12, 0.55));
    for (let y = h * 0.14; y < platformY; y += u * 2.4) svg.rect(0, y, w, u * 0.15, svg.col(200, 0.1, 0.45));
    svg.rect(0, 0, w, h * 0.1, svg.col(220, 0.1, 0.2));
    for (let i = 0; i < 6; i++)
      svg.rect(w * (0.05 + i * 0.17), h * 0.07, w * 0.1, u * 0.8, svg.glow('#d4dcd8'));
    const trainTop = h * 0.2;
    const body = svg.col(s.hue, 0.4, 0.5);
    svg.rect(-u, trainTop, w + 2 * u, platformY - trainTop - u, body, 'rx="12"');
    svg.rect(
      -u,
      trainTop + (platformY - trainTop) * 0.62,
      w + 2 * u,
      u * 1.6,
      svg.col(s.hue + 180, 0.5, 0.4),
    );
    const windows = Math.round(w / (u * 12));
    for (let i = 0; i < windows; i++) {
      const x = (w * (i + 0.15)) / windows;
      svg.rect(
        x,
        trainTop + u * 3,
        w / windows - u * 4,
        (platformY - trainTop) * 0.36,
        svg.glow(svg.lit ? '#c8b07a' : '#7a9ab0'),
        'rx="4"',
      );
    }
    svg.rect(
      0,
      platformY,
      w,
      h - platformY,
      svg.linear([
        [0, svg.col(30, 0.05, 0.5)],
        [1, svg.col(30, 0.05, 0.3)],
      ]),
    );
    svg.rect(0, platformY + u * 1.5, w, u * 1.6, svg.col(50, 0.85, 0.5));
    for (const x of [0.06, 0.94]) svg.rect(w * x - u * 2, h * 0.1, u * 4, h * 0.9, svg.col(200, 0.1, 0.62));
    const cx = w * between(rand, 0.3, 0.7);
    svg.ellipse(
      cx,
      h * 0.14,
      u * 2.6,
      u * 2.6,
      svg.col(0, 0, 0.75),
      `stroke="${svg.col(0, 0, 0.2)}" stroke-width="${u * 0.5}"`,
    );
    svg.path(
      `M${cx} ${h * 0.14}L${cx} ${h * 0.14 - u * 1.8}M${cx} ${h * 0.14}L${cx + u * 1.3} ${h * 0.14}`,
      'none',
      `stroke="${svg.col(0, 0, 0.15)}" stroke-width="${u * 0.35}"`,
    );
  },
  street(s) {
    const { svg, w, h, u, rand } = s;
    const ground = h * 0.7;
    sky(s, ground);
    skyline(s, 0, w, ground - h * 0.05, h * 0.35, 0.42);
    let x = -u * 2;
    while (x < w) {
      const bw = between(rand, 18, 30) * u;
      const bh = between(rand, 0.35, 0.55) * h;
      svg.rect(x, ground - bh, bw, bh, svg.col(s.hue + rand() * 40, 0.25, 0.42));
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          const on = svg.lit && rand() < 0.6;
          svg.rect(
            x + bw * (0.12 + c * 0.28),
            ground - bh + u * 3 + r * u * 6,
            bw * 0.18,
            u * 3.5,
            on ? svg.glow('#e0a85a') : svg.col(210, 0.3, 0.3),
          );
        }
      }
      const awning = svg.col(rand() * 360, 0.5, 0.45);
      svg.poly(
        [
          [x + u, ground - h * 0.14],
          [x + bw - u, ground - h * 0.14],
          [x + bw + u, ground - h * 0.1],
          [x - u, ground - h * 0.1],
        ],
        awning,
      );
      svg.rect(
        x + u * 2,
        ground - h * 0.1,
        bw - u * 4,
        h * 0.1,
        svg.lit ? svg.glow('#b88a58') : svg.col(200, 0.2, 0.3),
      );
      x += bw + between(rand, 4, 10) * u;
    }
    svg.rect(0, ground, w, h - ground, svg.col(30, 0.05, 0.38));
    svg.rect(0, ground, w, u * 0.8, svg.col(30, 0.05, 0.5));
    for (const lx of [0.08, 0.92]) streetLamp(s, w * lx, ground + u, h * 0.42);
    tree(s, w * between(rand, 0.2, 0.35), ground + u, h * 0.36);
  },
  waterside(s) {
    const { svg, w, h, u, rand } = s;
    const horizon = h * 0.5;
    sky(s, horizon);
    skyline(s, 0, w, horizon, h * 0.16, 0.3);
    const water = svg.linear([
      [0, svg.col(210, 0.35, 0.38)],
      [1, svg.col(215, 0.4, 0.22)],
    ]);
    svg.rect(0, horizon, w, h - horizon, water);
    for (let i = 0; i < 36; i++) {
      const y = horizon + rand() * h * 0.26;
      const shine = svg.lit ? svg.glow('#d09a58') : svg.col(200, 0.3, 0.62);
      svg.rect(
        rand() * w,
        y,
        between(rand, 2, 8) * u,
        u * 0.25,
        shine,
        `fill-opacity="${r2(between(rand, 0.3, 0.8))}"`,
      );
    }
    const rail = h * 0.78;
    svg.rect(0, rail, w, h - rail, svg.col(30, 0.1, 0.36));
    svg.rect(0, rail - u * 5, w, u * 0.6, svg.col(0, 0, 0.2));
    for (let x = 0; x < w; x += u * 5) svg.rect(x, rail - u * 5, u * 0.5, u * 5, svg.col(0, 0, 0.2));
    const willowX = w * (rand() < 0.5 ? 0.1 : 0.9);
    svg.rect(willowX - u, h * 0.22, u * 2, rail - h * 0.22, svg.col(25, 0.35, 0.22));
    for (let i = 0; i < 14; i++) {
      const dx = (i - 7) * u * 1.6;
      svg.path(
        `M${willowX + dx * 0.3} ${h * 0.2}Q${willowX + dx} ${h * 0.25} ${willowX + dx * 1.2} ${h * 0.5}`,
        'none',
        `stroke="${svg.col(100, 0.4, 0.35)}" stroke-width="${u * 0.6}"`,
      );
    }
    streetLamp(s, w * (willowX < w / 2 ? 0.8 : 0.2), rail, h * 0.4);
  },
  park(s) {
    const { svg, w, h, u, rand } = s;
    const horizon = h * 0.55;
    sky(s, horizon);
    for (let x = -u * 4; x < w; x += u * 7)
      svg.ellipse(x, horizon, u * 6, u * between(rand, 4, 7), svg.col(130, 0.3, 0.28));
    svg.rect(
      0,
      horizon,
      w,
      h - horizon,
      svg.linear([
        [0, svg.col(105, 0.35, 0.4)],
        [1, svg.col(100, 0.4, 0.28)],
      ]),
    );
    svg.poly(
      [
        [w * 0.42, horizon],
        [w * 0.58, horizon],
        [w * 0.8, h],
        [w * 0.2, h],
      ],
      svg.col(35, 0.25, 0.5),
    );
    for (const tx of [0.1, 0.3, 0.72, 0.9])
      tree(
        s,
        w * tx + (rand() - 0.5) * u * 6,
        horizon + u * between(rand, 2, 8),
        h * between(rand, 0.38, 0.5),
      );
    streetLamp(s, w * 0.62, horizon + u * 6, h * 0.36);
  },
  rooftop(s) {
    const { svg, w, h, u, rand } = s;
    const parapet = h * 0.68;
    sky(s, parapet);
    skyline(s, 0, w, parapet, h * 0.28, 0.3);
    svg.rect(0, parapet, w, h - parapet, svg.col(20, 0.06, 0.4));
    svg.rect(0, parapet, w, u * 1.4, svg.col(20, 0.06, 0.52));
    const tx = w * between(rand, 0.78, 0.88);
    svg.rect(tx, parapet - h * 0.2, u * 10, h * 0.14, svg.col(200, 0.1, 0.35), 'rx="6"');
    for (const lx of [tx + u, tx + u * 8])
      svg.rect(lx, parapet - h * 0.06, u * 0.8, h * 0.06, svg.col(0, 0, 0.2));
    if (svg.lit) {
      svg.path(
        `M0 ${h * 0.12}Q${w / 2} ${h * 0.26} ${w} ${h * 0.1}`,
        'none',
        `stroke="${svg.col(0, 0, 0.15)}" stroke-width="${u * 0.2}"`,
      );
      for (let i = 1; i < 16; i++) {
        const t = i / 16;
        const y = (1 - t) * (1 - t) * h * 0.12 + 2 * t * (1 - t) * h * 0.26 + t * t * h * 0.1;
        svg.ellipse(w * t, y + u * 0.6, u * 0.6, u * 0.6, svg.glow('#e8b060'));
      }
    }
  },
  hall(s) {
    const { svg, w, h, u, rand } = s;
    svg.rect(0, 0, w, h, svg.col(260 + (s.hue % 40), 0.3, 0.16));
    const stageTop = h * 0.12;
    svg.rect(
      w * 0.12,
      stageTop,
      w * 0.76,
      h * 0.44,
      svg.linear([
        [0, svg.glow(svg.time === 'day' ? '#3a5a9a' : '#2a3f80')],
        [1, svg.glow('#6a3a8a')],
      ]),
    );
    for (let i = 0; i < 10; i++)
      svg.ellipse(
        w * (0.15 + rand() * 0.7),
        stageTop + rand() * h * 0.4,
        u * 3,
        u * 3,
        svg.glow('#c870a8'),
        'fill-opacity="0.25"',
      );
    const curtain = svg.col(355, 0.6, 0.36);
    svg.path(`M0 0L${w * 0.16} 0Q${w * 0.1} ${h * 0.4} ${w * 0.14} ${h * 0.7}L0 ${h * 0.7}Z`, curtain);
    svg.path(`M${w} 0L${w * 0.84} 0Q${w * 0.9} ${h * 0.4} ${w * 0.86} ${h * 0.7}L${w} ${h * 0.7}Z`, curtain);
    svg.rect(0, 0, w, h * 0.06, svg.col(355, 0.6, 0.3));
    for (const x of [0.3, 0.7]) {
      svg.poly(
        [
          [w * x - u, 0],
          [w * x + u, 0],
          [w * (x + (x < 0.5 ? 0.12 : -0.12)) + u * 10, h * 0.7],
          [w * (x + (x < 0.5 ? 0.12 : -0.12)) - u * 10, h * 0.7],
        ],
        svg.glow('#f0c890'),
        'fill-opacity="0.14"',
      );
    }
    svg.rect(
      0,
      h * 0.56,
      w,
      h * 0.44,
      svg.linear([
        [0, svg.col(25, 0.35, 0.32)],
        [1, svg.col(25, 0.3, 0.18)],
      ]),
    );
    for (let i = 0; i < 12; i++) {
      const x = (i + 0.5) * (w / 12);
      svg.path(
        `M${x - u * 2} ${u * 6}L${x + u * 2} ${u * 6}L${x} ${u * 9}Z`,
        svg.col((i * 57) % 360, 0.55, 0.5),
      );
    }
  },
  generic(s) {
    const { w, h, rand } = s;
    const floorY = h * 0.7;
    room(s, s.hue, 0.18, 0.6, floorY, 30);
    windowView(s, w * between(rand, 0.1, 0.2), h * 0.12, w * 0.3, h * 0.36);
    plant(s, w * 0.85, floorY, h * 0.16);
    pendant(s, w * 0.65, h * 0.08);
  },
};

export interface BackdropInput {
  place: string;
  timeOfDay?: TimeOfDay;
  width: number;
  height: number;
}

/** The backdrop drawn into an existing Svg (the caller adds the characters on top). */
export function drawBackdrop(svg: Svg, place: string): PlaceKind {
  const kind = classifyPlace(place);
  const hash = placeHash(place);
  const rand = seeded(hash);
  const u = Math.min(svg.width, svg.height) / 100;
  DRAW[kind]({ svg, w: svg.width, h: svg.height, u, rand, hue: hash % 360, text: place });
  return kind;
}

export function backdropSvg(input: BackdropInput): string {
  const svg = new Svg(input.width, input.height, input.timeOfDay ?? 'day');
  drawBackdrop(svg, input.place);
  return svg.toString();
}
