import type { Gender, Language } from '../../domain/script/vocabulary.js';

/** Who a portrait is of, as the script writes them. */
export interface PortraitSubject {
  name: string;
  gender: Gender;
  role?: string;
  description?: string;
}

/** One character's look, decided once per drama: what the portrait shows, and the same in words. */
export interface PortraitDesign {
  name: string;
  /** Appearance and clothes in the script's language; it describes exactly what the picture shows. */
  description: string;
  /** The painter's own choices (style options), opaque to callers and stable for a design. */
  look: Readonly<Record<string, string>>;
}

/**
 * The offline portrait artist: designs a look per character (deterministic from the names, genders and
 * the drama's seed; characters of one drama never share a look) and paints it as a PNG.
 */
export interface PortraitPainter {
  readonly model: string;
  design(
    subjects: readonly PortraitSubject[],
    options: { seed: string; language: Language },
  ): PortraitDesign[];
  /** Paints a design made by `design` to `outPath` (PNG, transparent background). */
  paint(design: PortraitDesign, outPath: string, options?: { size?: number }): Promise<{ path: string }>;
}
