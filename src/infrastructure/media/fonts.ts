import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Family name inside the OTF name table (what libass matches a style's Fontname against). */
export const CJK_FONT_FAMILY = 'Noto Sans S Chinese';

export interface CjkFonts {
  family: string;
  /** Noto Sans Hans (Simplified Chinese) Regular and Bold, inside @embedpdf/fonts-sc. */
  regular: string;
  bold: string;
  /**
   * A folder holding only the Regular face, the one font libass can find (through `fontconfigFile`);
   * it synthesises bold where a style asks for it.
   */
  assDir: string;
  /**
   * fontconfig file that knows only `assDir`: the static ffmpeg then ignores the host's newer config
   * (which it cannot parse), and libass opens the font lazily instead of reading all 8 MB up front as
   * it does for a `fontsdir`.
   */
  fontconfigFile: string;
}

let cached: CjkFonts | undefined;

export function cjkFonts(): CjkFonts {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const packageDir = dirname(dirname(require.resolve('@embedpdf/fonts-sc')));
  const face = (name: string) => {
    const path = join(packageDir, 'fonts', `NotoSansHans-${name}.otf`);
    if (!existsSync(path)) throw new Error(`CJK font missing: ${path} (package @embedpdf/fonts-sc)`);
    return path;
  };
  const regular = face('Regular');
  const bold = face('Bold');
  const home = join(tmpdir(), '3kstory-fonts');
  const assDir = join(home, 'ass');
  mkdirSync(assDir, { recursive: true });
  mkdirSync(join(home, 'cache'), { recursive: true });
  const link = join(assDir, 'NotoSansHans-Regular.otf');
  if (!existsSync(link)) {
    rmSync(link, { force: true }); // a dangling link left by a moved checkout
    try {
      symlinkSync(regular, link);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const fontconfigFile = join(home, 'fonts.conf');
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const conf = `<?xml version="1.0"?>\n<fontconfig><dir>${xml(assDir)}</dir><cachedir>${xml(join(home, 'cache'))}</cachedir></fontconfig>\n`;
  if (!existsSync(fontconfigFile) || readFileSync(fontconfigFile, 'utf8') !== conf) {
    // Other processes may be reading it: replace, never rewrite in place.
    const temporary = `${fontconfigFile}.${process.pid}`;
    writeFileSync(temporary, conf);
    renameSync(temporary, fontconfigFile);
  }
  cached = { family: CJK_FONT_FAMILY, regular, bold, assDir, fontconfigFile };
  return cached;
}

export const fontconfigEnv = (): Record<string, string> => ({ FONTCONFIG_FILE: cjkFonts().fontconfigFile });
