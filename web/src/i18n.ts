import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey } from './messages.en.js';
import { zh } from './messages.zh.js';

export type Lang = 'en' | 'zh';
export type { MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const CATALOGS: Record<Lang, Record<MessageKey, string>> = { en, zh };
const KEY = '3kstory.lang';

/** The language chosen with the switch, else the browser's first preference that we speak. */
export function initialLang(): Lang {
  const stored = localStorage.getItem(KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  for (const lang of navigator.languages ?? [navigator.language]) {
    if (/^zh\b/i.test(lang)) return 'zh';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

export function storeLang(lang: Lang): void {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function translator(lang: Lang): Translate {
  const catalog = CATALOGS[lang];
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all)) : text;
  };
}

export interface I18nValue {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

export const I18n = createContext<I18nValue>({ lang: 'en', setLang: () => undefined, t: translator('en') });
export const useI18n = () => useContext(I18n);
