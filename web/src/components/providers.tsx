import type { Translate } from '../i18n.js';
import type { ProviderListing } from '../types.js';
import type { Option } from './ui.js';

/** The server's providers for one capability; those it has no configuration for are shown, disabled, with why. */
export function providerOptions(listings: ProviderListing[], t: Translate): Option[] {
  const seen = new Set<string>();
  const options: Option[] = [];
  const sorted = [...listings].sort((a, b) => Number(b.default) - Number(a.default));
  for (const l of sorted) {
    if (seen.has(l.provider)) continue;
    seen.add(l.provider);
    const available = l.configured !== false;
    const name = `${l.provider}${l.model ? ` (${l.model})` : ''}`;
    options.push({
      value: l.provider,
      disabled: !available,
      label: available
        ? l.default
          ? t('providers.default', { name })
          : name
        : t('providers.unavailable', { name, reason: l.requires ?? t('providers.notConfigured') }),
    });
  }
  if (options.length === 0) options.push({ value: 'local', label: 'local' });
  return options;
}
