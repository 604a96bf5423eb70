export type Slots = Readonly<Record<string, string>>;

const SLOT = /\{(\^?)(\w+)\}/g;

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Fills `{name}` (and `{^name}`, capitalised) from `slots`. Slot values may hold slots themselves, so a
 * few passes run; a slot nobody defined is a bug in the story text and throws.
 */
export function fill(template: string, slots: Slots): string {
  let text = template;
  for (let pass = 0; pass < 4 && text.includes('{'); pass++) {
    text = text.replace(SLOT, (_, cap: string, name: string) => {
      const value = slots[name];
      if (value === undefined) throw new Error(`story text uses an unknown slot {${name}}`);
      return cap ? capitalize(value) : value;
    });
  }
  // "the {place}" with a place that brings its own article ("the city").
  return text.replace(/\b([Tt])he the\b/g, '$1he');
}

/** "a programmer", "an engineer", "an HR manager". */
export const withArticle = (noun: string) =>
  `${/^(?:[aeiou]|hr\b|hour|honest)/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** "the open-plan office", but "the Bund" and "Houhai lakeside" stay as they are. */
export const withThe = (spot: string) => (/^(?:the\s|[A-Z])/.test(spot) ? spot : `the ${spot}`);

/** English places one is on, not in (a regular-expression alternation; the script check uses it too). */
export const ON_PLACES = 'platform|rooftop|roof|street|beach|pier|dock|deck|balcony|terrace|bridge';
const ON_SPOT = new RegExp(`\\b(?:${ON_PLACES}|set)$`, 'i');

/** The preposition a place takes: on a platform or a rooftop, at a station, in an office. */
export function inSpot(spot: string): string {
  const place = withThe(spot);
  if (ON_SPOT.test(spot)) return `on ${place}`;
  if (/\b(?:station|airport|harbou?r|gate|crossing|stop|counter|desk)$/i.test(spot)) return `at ${place}`;
  return `in ${place}`;
}
