/**
 * Line wrapping that measures East Asian wide characters as two columns and half-width ones as one,
 * breaks between any two CJK characters and at spaces between Latin words, and keeps CJK closing
 * punctuation off the start of a line and opening brackets off its end (kinsoku).
 */

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;
/** East Asian "ambiguous" marks that CJK fonts draw full width. */
const AMBIGUOUS = new Set([...'…—·“”‘’']);
const NO_LINE_START = new Set([...'，。、．！？；：）」』】》〉〕”’…—～·']);
const NO_LINE_END = new Set([...'（「『【《〈〔“‘']);

const isWide = (char: string): boolean => WIDE.test(char) || AMBIGUOUS.has(char);

export const charColumns = (char: string): number => (isWide(char) ? 2 : 1);

export const textColumns = (text: string): number => {
  let columns = 0;
  for (const char of text) columns += charColumns(char);
  return columns;
};

/** Each wide character is a token of its own; runs of other non-space characters are words. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = '';
  const flush = () => {
    if (word) tokens.push(word);
    word = '';
  };
  for (const char of text) {
    if (/\s/.test(char)) {
      flush();
      tokens.push(' ');
    } else if (isWide(char)) {
      flush();
      tokens.push(char);
    } else {
      word += char;
    }
  }
  flush();
  return tokens;
}

function splitLongWord(word: string, maxColumns: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (textColumns(piece) + charColumns(char) > maxColumns && piece) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

export function wrapText(text: string, maxColumns: number): string[] {
  const max = Math.max(2, Math.floor(maxColumns));
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    let lineColumns = 0;
    let pendingSpace = false;
    const breakLine = () => {
      lines.push(line.trimEnd());
      line = '';
      lineColumns = 0;
      pendingSpace = false;
    };
    for (const token of tokenize(paragraph.trim())) {
      if (token === ' ') {
        pendingSpace = line !== '';
        continue;
      }
      const pieces = textColumns(token) > max ? splitLongWord(token, max) : [token];
      for (const piece of pieces) {
        const space = pendingSpace ? 1 : 0;
        const width = textColumns(piece);
        if (lineColumns + space + width <= max || line === '') {
          line += (space ? ' ' : '') + piece;
          lineColumns += space + width;
          pendingSpace = false;
        } else if (NO_LINE_START.has(piece) && !pendingSpace) {
          // Hanging punctuation: one closing mark may overhang rather than start the next line.
          line += piece;
          lineColumns += width;
        } else {
          const last = [...line].at(-1) ?? '';
          const carried = NO_LINE_END.has(last) && [...line].length > 1 ? last : '';
          line = carried ? line.slice(0, -carried.length) : line;
          breakLine();
          line = carried + piece;
          lineColumns = textColumns(line);
        }
      }
    }
    breakLine();
  }
  while (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Wraps into as few lines as greedy wrapping needs, but with the lines as even as possible: the narrowest
 * width that still gives that many lines. "上班族。" then breaks as "上班/族。" never, and a two-line
 * subtitle has two halves instead of a full line and an orphan.
 */
export function wrapBalanced(text: string, maxColumns: number): string[] {
  const greedy = wrapText(text, maxColumns);
  if (greedy.length <= 1) return greedy;
  let low = Math.max(2, Math.ceil(textColumns(text.replace(/\s+/g, ' ')) / greedy.length));
  let high = Math.max(2, Math.floor(maxColumns));
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (wrapText(text, mid).length <= greedy.length) high = mid;
    else low = mid + 1;
  }
  return wrapText(text, high);
}

/**
 * Emoji and the joiners and selectors around them: the subtitle font has no glyphs for them (they would
 * show as empty boxes), and TTS does not speak them.
 */
const EMOJI =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0e|\ufe0f|\u20e3/gu;

/** Text without emoji (spaces they leave collapsed). */
export const withoutEmoji = (text: string): string =>
  text
    .replace(EMOJI, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();

/** Whether text has anything to read: a letter or a digit in any script, not only punctuation. */
export const hasReadableText = (text: string): boolean => /[\p{L}\p{N}]/u.test(text);

/**
 * Splits text into pieces that each wrap to at most `maxLines` lines, preferring to cut after sentence
 * and clause punctuation. Used to turn one long spoken line into several consecutive subtitle cues.
 */
export function splitIntoPieces(text: string, maxColumns: number, maxLines: number): string[] {
  const fits = (piece: string) => wrapText(piece, maxColumns).length <= maxLines;
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean === '' || fits(clean)) return clean === '' ? [] : [clean];
  const clauses = clean.match(/[^，。！？；、,.!?;…]+[，。！？；、,.!?;…]*\s*/gu) ?? [clean];
  const pieces: string[] = [];
  let current = '';
  for (const clause of clauses) {
    const candidate = current + clause;
    if (fits(candidate.trim())) {
      current = candidate;
      continue;
    }
    if (current.trim()) pieces.push(current.trim());
    if (fits(clause.trim())) {
      current = clause;
      continue;
    }
    const lines = wrapText(clause.trim(), maxColumns);
    for (let i = 0; i < lines.length; i += maxLines) {
      pieces.push(joinLines(lines.slice(i, i + maxLines)));
    }
    current = '';
  }
  if (current.trim()) pieces.push(current.trim());
  return pieces;
}

/** Rejoins wrapped lines: a space only between two half-width characters. */
function joinLines(lines: string[]): string {
  return lines.reduce((joined, line) => {
    if (!joined) return line;
    const left = [...joined].at(-1) ?? '';
    const right = [...line][0] ?? '';
    return joined + (charColumns(left) === 1 && charColumns(right) === 1 ? ' ' : '') + line;
  }, '');
}
