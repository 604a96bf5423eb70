import { withoutEmoji, wrapText } from './text-wrap.js';

export interface Cue {
  startSec: number;
  endSec: number;
  speaker?: string;
  text: string;
}

/** Text that is burned in but is not a subtitle: the scene heading and its narration. */
export interface AssOverlay {
  startSec: number;
  endSec: number;
  text: string;
  /** heading: top-left box; narration: centred body text; caption: boxed text under the heading. */
  kind: 'heading' | 'narration' | 'caption';
}

export interface AssOptions {
  width: number;
  height: number;
  fontName: string;
  /** Dialogue size in pixels; other styles scale from it. */
  fontSize?: number;
  overlays?: AssOverlay[];
}

export interface SubtitleLayout {
  fontSize: number;
  /** Half-width columns per dialogue line (a CJK character takes two). */
  maxColumns: number;
  maxLines: number;
  marginH: number;
  marginV: number;
}

/**
 * The title-safe area every burned-in text stays inside: the central 90 % of the width and of the
 * height (EBU R 95 and SMPTE RP 2046-1 "title safe": 5 % from each edge). Checked on rendered frames by
 * the frame gate (test/int/media/frame-gate.int.spec.ts).
 */
export const TITLE_SAFE_MARGIN = 0.05;

/** Dialogue text is at least this share of the frame height, in either aspect (readable on a phone). */
export const MIN_SUBTITLE_HEIGHT_SHARE = 0.045;

/** Dialogue geometry for a frame size: vertical video gets narrower lines and sits higher above the app UI. */
export function subtitleLayout(width: number, height: number, fontSize?: number): SubtitleLayout {
  // Sized by the frame height (a 9:16 frame's short side would make phone subtitles tiny), with a
  // little room above the minimum for the glyphs' own margins.
  const byHeight = height * (MIN_SUBTITLE_HEIGHT_SHARE + 0.003);
  const size = Math.round(fontSize ?? Math.max(20, Math.min(width, height) * 0.052, byHeight));
  const marginH = Math.round(width * 0.06);
  const columns = Math.floor((width - 2 * marginH) / (size * 0.5));
  const vertical = height > width;
  return {
    fontSize: size,
    maxColumns: Math.max(8, Math.min(columns, 48)),
    maxLines: 2,
    marginH,
    marginV: Math.round(height * (vertical ? 0.16 : 0.06)),
  };
}

export function formatTimestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** Control characters other than tab and newlines: invisible, and some players stop at them. */
const stripControl = (text: string) =>
  [...text]
    .filter((c) => {
      const code = c.charCodeAt(0);
      return (code >= 0x20 && code !== 0x7f) || c === '\t' || c === '\n' || c === '\r';
    })
    .join('');

const cueLines = (text: string, maxColumns?: number): string[] => {
  const clean = stripControl(text).replace(/\r\n?/g, '\n');
  const lines = maxColumns ? wrapText(clean, maxColumns) : clean.split('\n').map((l) => l.trim());
  // A blank line ends a cue in SRT and WebVTT.
  return lines.filter((line) => line !== '');
};

const withSpeaker = (cue: Cue) => (cue.speaker ? `${cue.speaker}：${cue.text}` : cue.text);

/** SRT has no escaping; angle brackets would be read as formatting tags, so they become full-width. */
export function toSrt(cues: readonly Cue[], options: { maxColumns?: number } = {}): string {
  return cues
    .map((cue, index) => {
      const lines = cueLines(withSpeaker(cue), options.maxColumns).map((line) =>
        line.replace(/</g, '＜').replace(/>/g, '＞'),
      );
      return `${index + 1}\n${formatTimestamp(cue.startSec, ',')} --> ${formatTimestamp(cue.endSec, ',')}\n${lines.join('\n')}\n`;
    })
    .join('\n');
}

const escapeVtt = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function toVtt(cues: readonly Cue[], options: { maxColumns?: number } = {}): string {
  const blocks = cues.map((cue) => {
    const lines = cueLines(cue.text, options.maxColumns).map(escapeVtt);
    const speaker = cue.speaker ? `<v ${escapeVtt(cue.speaker).replace(/\s+/g, ' ')}>` : '';
    const timing = `${formatTimestamp(cue.startSec, '.')} --> ${formatTimestamp(cue.endSec, '.')}`;
    return `${timing}\n${speaker}${lines.join('\n')}\n`;
  });
  return ['WEBVTT\n', ...blocks].join('\n');
}

/**
 * ASS text: braces open override blocks and a backslash starts \N-style escapes, so braces become
 * full-width and a word joiner follows each backslash; real newlines become \N.
 */
export function escapeAssText(text: string): string {
  return stripControl(text)
    .replace(/\\/g, '\\\u2060')
    .replace(/\{/g, '｛')
    .replace(/\}/g, '｝')
    .replace(/\r\n?|\n/g, '\\N');
}

const assTime = (seconds: number) => {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
};

/** ASS colours are &HAABBGGRR with alpha 00 = opaque. */
const WHITE = '&H00FFFFFF';
/** Inline colour override (\c takes &HBBGGRR&, no alpha): warm gold for the speaker's name. */
const SPEAKER = '&H60D8FF&';
const SHADOW = '&H80000000';
const BOX = '&H50101010';

export function toAss(cues: readonly Cue[], options: AssOptions): string {
  const { width, height, fontName } = options;
  const layout = subtitleLayout(width, height, options.fontSize);
  const size = layout.fontSize;
  const font = fontName.replace(/,/g, ' ');
  const style = (
    name: string,
    fontSize: number,
    bold: boolean,
    borderStyle: 1 | 3,
    outline: number,
    shadow: number,
    alignment: number,
    marginH: number,
    marginV: number,
    outlineColour: string,
  ) =>
    `Style: ${name},${font},${Math.round(fontSize)},${WHITE},${WHITE},${outlineColour},${SHADOW},${bold ? -1 : 0},0,0,0,100,100,0,0,${borderStyle},${outline},${shadow},${alignment},${marginH},${marginH},${marginV},1`;
  const edge = Math.round(width * 0.04);
  // Heading and caption boxes reach `pad` beyond their glyphs (BorderStyle 3 draws the outline as a box).
  const pad = size * 0.3;
  const safeX = Math.ceil(width * TITLE_SAFE_MARGIN + pad) + 2;
  const safeY = Math.ceil(height * TITLE_SAFE_MARGIN + pad) + 2;
  const header = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: TV.709',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    style(
      'Dialogue',
      size,
      false,
      1,
      Math.max(2, size / 16),
      1,
      2,
      layout.marginH,
      layout.marginV,
      '&H00000000',
    ),
    style('Heading', size * 0.8, true, 3, pad, 0, 7, safeX, safeY, BOX),
    style('Narration', size * 1.1, false, 1, 0, Math.max(1, size / 20), 5, edge * 2, 0, '&H00000000'),
    style('Caption', size * 0.72, false, 3, pad, 0, 7, safeX, Math.round(safeY + size * 1.9), BOX),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const overlayColumns = (kind: AssOverlay['kind']) => {
    const fontSize = kind === 'narration' ? size * 1.1 : kind === 'heading' ? size * 0.8 : size * 0.72;
    const sides = kind === 'narration' ? edge * 4 : safeX * 2 + size;
    return Math.max(8, Math.floor((width - sides) / (fontSize * 0.5)));
  };
  const styleOf = { heading: 'Heading', narration: 'Narration', caption: 'Caption' } as const;
  // Long narration must not run off the frame: it is cut, with an ellipsis, at a few lines.
  const maxLines = {
    heading: height > width ? 3 : 2,
    caption: 4,
    narration: height > width ? 10 : 6,
  } as const;
  const wrapped = (options.overlays ?? []).map((overlay) => {
    // The subtitle font draws no emoji: they would be empty boxes.
    const lines = wrapText(withoutEmoji(overlay.text), overlayColumns(overlay.kind));
    const limit = maxLines[overlay.kind];
    return lines.length > limit ? [...lines.slice(0, limit - 1), `${lines[limit - 1]}…`] : lines;
  });
  // A caption sits under the heading's box, however many lines the heading took.
  const headingLines = Math.max(
    1,
    ...(options.overlays ?? []).map((o, i) => (o.kind === 'heading' ? (wrapped[i] as string[]).length : 1)),
  );
  const captionTop = Math.round(safeY + headingLines * size * 0.8 * 1.25 + pad * 2 + size * 0.4);
  const overlays = (options.overlays ?? []).map((overlay, i) => {
    const text = (wrapped[i] as string[]).map(escapeAssText).join('\\N');
    const marginV = overlay.kind === 'caption' ? captionTop : 0;
    return `Dialogue: 1,${assTime(overlay.startSec)},${assTime(overlay.endSec)},${styleOf[overlay.kind]},,0,0,${marginV},,${text}`;
  });
  const dialogue = cues.map((cue) => {
    const lines = wrapText(withSpeaker(cue), layout.maxColumns).map(escapeAssText).join('\\N');
    const speaker = cue.speaker ? escapeAssText(cue.speaker) : '';
    // Colour the "name：" prefix; it is always at the start of the first line.
    const text =
      speaker && lines.startsWith(`${speaker}：`)
        ? `{\\c${SPEAKER}}${speaker}：{\\r}${lines.slice(speaker.length + 1)}`
        : lines;
    const name = speaker.replace(/,/g, '，');
    return `Dialogue: 0,${assTime(cue.startSec)},${assTime(cue.endSec)},Dialogue,${name},0,0,0,,${text}`;
  });
  return [...header, ...overlays, ...dialogue, ''].join('\n');
}
