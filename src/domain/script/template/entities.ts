import type { Language } from '../vocabulary.js';

/**
 * The people, places and things a prompt names, in its own words, so the script can use them: named
 * people become the cast, places become scene locations, things become what the story turns on.
 * Reading is by patterns and small word lists (no model), so it is deterministic and fast.
 */
export interface PromptThing {
  text: string;
  /** The Chinese measure word for it ("一本诗集" → 本); "个" when unknown. */
  measure: string;
  /** Weather or an event (一场暴雨, a blackout) rather than an object someone holds. */
  event?: boolean;
}

const EN_EVENTS = new Set(['blackout', 'storm', 'snowstorm']);

export interface PromptEntities {
  people: string[];
  places: string[];
  things: PromptThing[];
}

// Places: the head words that make a phrase a place.
const ZH_PLACES = (
  '旧书店 书店 书屋 图书馆 咖啡馆 咖啡店 面包店 烘焙店 花店 酒吧 小酒馆 餐厅 饭馆 饺子馆 面馆 茶馆 便利店 超市 菜市场 夜市 医院 诊所 急诊室 病房 学校 ' +
  '教室 校园 大学 火车站台 站台 火车站 地铁站 公交站 车站 机场 码头 港口 灯塔 海边 沙滩 天台 屋顶 花园 公园 电梯 楼道 老家 城中村 胡同 小巷 巷子 老街 ' +
  '街角 博物馆 电影院 剧院 寺庙 健身房 酒店 旅馆 民宿 公寓 出租屋 厨房 洗衣房 办公室 实验室 工厂 录音棚 练习室 片场 小镇 村子 山村 农场 教堂 游乐园 ' +
  '摩天轮 动物园 修车铺 理发店 照相馆 邮局 警察局 消防站 小店 店里'
).split(' ');
const ZH_LANDMARKS =
  '后海 西湖 外滩 故宫 长城 天安门 鼓浪屿 洱海 三里屯 南锣鼓巷 陆家嘴 维多利亚港 宽窄巷子 洪崖洞 秦淮河 黄浦江 珠江 长江 黄河 玉龙雪山 布达拉宫'.split(
    ' ',
  );
const EN_PLACES = (
  'bookstore|bookshop|library|café|cafe|coffee shop|bakery|flower shop|bar|pub|restaurant|' +
  'diner|convenience store|supermarket|market|hospital|clinic|school|classroom|campus|' +
  'university|platform|station|airport|harbor|harbour|pier|dock|lighthouse|beach|rooftop|' +
  'roof|garden|park|elevator|stairwell|alley|street|museum|cinema|theater|theatre|temple|' +
  'church|gym|hotel|motel|apartment|kitchen|laundry|laundromat|office|lab|laboratory|' +
  'factory|studio|town|village|farm|zoo|carnival|garage|barbershop|post office|' +
  'fire station|shop|store|bridge|island|forest|desert|subway|train|bus stop|motel|hostel|' +
  'cabin|prison'
).split('|');

// Things: objects, animals, weather and events the story can turn on. Chinese words carry a measure word.
const ZH_THINGS = (
  '诗集:本 日记本:本 日记:本 相册:本 笔记本:本 小说:本 书:本 雨伞:把 伞:把 钥匙:把 吉他:把 小提琴:把 情书:封 信:封 照片:张 车票:张 ' +
  '火车票:张 明信片:张 纸条:张 地图:张 唱片:张 猫:只 狗:只 鸟:只 相机:台 钢琴:台 收音机:台 电脑:台 打字机:台 手机:部 戒指:枚 ' +
  '硬币:枚 玫瑰:束 花:束 项链:条 围巾:条 录音:段 录像:段 视频:段 门铃:个 包裹:个 快递:个 钱包:个 行李箱:个 风筝:只 蛋糕:个 饺子:盘 ' +
  '帆船:艘 船:条 自行车:辆 磁带:盘 耳机:副 手表:块 怀表:块 画:幅 油画:幅 暴雨:场 大雪:场 停电:场 台风:场 月饼:盒 蜡烛:支 灯笼:盏 ' +
  '剧本:本 书签:枚 玉佩:块 U盘:个 机器人:个 外卖:份'
)
  .split(' ')
  .map((pair) => pair.split(':') as [string, string]);
const EN_THINGS = (
  'poetry book|book|novel|diary|journal|notebook|letter|postcard|note|umbrella|doorbell|' +
  'camera|phone|recording|tape|cassette|record|key|ring|photo|photograph|necklace|locket|' +
  'guitar|piano|violin|cello|trumpet|saxophone|kite|cat|kitten|dog|puppy|bird|parrot|cake|' +
  'map|watch|pocket watch|envelope|ticket|scarf|hat|suitcase|parcel|package|wallet|' +
  'painting|sailboat|boat|bicycle|bike|radio|coin|stamp|candle|lantern|typewriter|' +
  'telescope|bouquet|rose|window|mirror|clock|box|briefcase|laptop|drone|robot|blackout|' +
  'storm|snowstorm|script|manuscript|recipe|jacket|shoe|glove|bracelet|medal|flash drive'
).split('|');

const EN_ADJECTIVES = new Set(
  'small little big old new same only lonely stolen broken lost mysterious strange secret rival foggy rainy retired young teenage tiny huge empty abandoned hidden ancient rusty shiny'.split(
    ' ',
  ),
);

const ZH_MEASURE =
  /一(?:本|把|封|张|只|台|部|枚|束|条|件|盒|瓶|双|顶|份|首|块|根|支|串|辆|艘|架|盏|幅|段|颗|场|家|座|间|所|个)$/;
const ZH_COMPOUND_SURNAMES =
  '欧阳 慕容 诸葛 司马 上官 东方 独孤 南宫 夏侯 令狐 皇甫 公孙 司徒 长孙 宇文 端木 尉迟 澹台 呼延 百里'.split(
    ' ',
  );
const ZH_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤温';
const ZH_NAME_AFTER =
  '和与是在把被的说收到发现拿从，。、要有捡走遇站坐开带回来去一二三四五六七八九十今刚正又也都便就终';
const EN_NOT_NAMES = new Set(
  'in on at the a an one it when after before two three this that there here every some once last next monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december christmas new year'.split(
    ' ',
  ),
);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Hits of `words` in `text`, longest first, never overlapping: [start, word]. */
function lexiconHits(text: string, words: readonly string[], wordBoundary: boolean): [number, string][] {
  const taken: boolean[] = [];
  const hits: [number, string][] = [];
  for (const word of [...words].sort((a, b) => b.length - a.length)) {
    const pattern = new RegExp(
      wordBoundary ? `\\b${escape(word)}(?:e?s)?\\b` : escape(word),
      wordBoundary ? 'gi' : 'g',
    );
    for (const m of text.matchAll(pattern)) {
      const at = m.index;
      if (Array.from({ length: m[0].length }, (_, k) => taken[at + k]).some(Boolean)) continue;
      for (let k = 0; k < m[0].length; k++) taken[at + k] = true;
      hits.push([at, word]);
    }
  }
  return hits.sort((a, b) => a[0] - b[0]);
}

/** "一家旧书店" → "旧书店", "一部摔坏的旧手机" → "旧手机": the measure phrase's last modifiers. */
function zhWithModifier(text: string, at: number, word: string, measures: string): string {
  const before = text.slice(Math.max(0, at - 8), at);
  const measured = (head: string) => ZH_MEASURE.test(head) && measures.includes(head.at(-1) as string);
  for (let k = Math.min(2, before.length); k >= 1; k--) {
    const modifier = before.slice(before.length - k);
    if (measured(before.slice(0, before.length - k)) && /^[\u4e00-\u9fff]+$/.test(modifier)) {
      return /[的了是在关于这那个]/.test(modifier) ? word : modifier + word;
    }
  }
  // "一部摔坏的旧手机": the modifier after the last 的.
  const de = /^(.*)的([\u4e00-\u9fff])$/.exec(before);
  const head = de && /^(.*一.)[\u4e00-\u9fff]{1,3}$/.exec(de[1] as string)?.[1];
  if (de && head && measured(head) && !/[了是在]/.test(de[2] as string)) return (de[2] as string) + word;
  return word;
}

/** "欧阳纳兰·星辰·无忌在一家…" → "欧阳纳兰·星辰·无忌": a dotted name ends where the sentence goes on. */
function dottedName(match: string): string {
  const parts = match.split(/[·・•]/);
  const cut = (part: string, fromEnd: boolean) => {
    if (fromEnd) {
      const k = [...part].findIndex((ch, i) => i > 0 && ZH_NAME_AFTER.includes(ch));
      return k > 0 ? part.slice(0, k) : part;
    }
    const k = Math.max(...[...'的在和与是了'].map((ch) => part.lastIndexOf(ch)));
    return k >= 0 ? part.slice(k + 1) : part;
  };
  parts[0] = cut(parts[0] as string, false);
  parts[parts.length - 1] = cut(parts.at(-1) as string, true);
  return parts.join('·');
}

/** "a red umbrella" → "red umbrella", "the hospital laundry" → "hospital laundry". */
function enPhrase(text: string, at: number, word: string, length: number): string {
  const before = text.slice(Math.max(0, at - 40), at);
  const m = /\b(?:a|an|the|his|her|my|our|their|its)\s+((?:[a-z'-]+\s+){0,2})$/i.exec(before);
  const modifiers = (m?.[1] ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0 && !EN_ADJECTIVES.has(w.toLowerCase()) && !/'s$/.test(w));
  const head = text.slice(at, at + length);
  const phrase = [...modifiers, head].join(' ');
  return phrase.length <= 30 ? phrase : word;
}

function zhPeople(text: string, roleWords: readonly string[]): string[] {
  const found: [number, string][] = [];
  for (const m of text.matchAll(/[\u4e00-\u9fff]{1,6}(?:[·・•][\u4e00-\u9fff]{1,6})+/g)) {
    found.push([m.index, dottedName(m[0])]);
  }
  for (const m of text.matchAll(/(?:名叫|叫做|叫)([\u4e00-\u9fff]{2,3}?)(?=的|，|。|、|$)/g)) {
    found.push([m.index + m[0].length - (m[1] as string).length, m[1] as string]);
  }
  const anchors = ['^', '[\\s，。、！？；：,]', '和', '与', '跟', ...roleWords.map(escape)].join('|');
  const surname = [...ZH_COMPOUND_SURNAMES, ...ZH_SURNAMES].join('|');
  const names = new RegExp(
    `(?<=${anchors})((?:${surname})[\\u4e00-\\u9fff]{1,2}?|[小老][\\u4e00-\\u9fff])(?=[${ZH_NAME_AFTER}]|$)`,
    'g',
  );
  for (const m of text.matchAll(names)) found.push([m.index, m[1] as string]);
  const bad = [...ZH_PLACES, ...ZH_LANDMARKS, ...ZH_THINGS.map(([w]) => w), ...roleWords];
  const out: string[] = [];
  for (const [, name] of found.sort((a, b) => a[0] - b[0])) {
    if (bad.some((w) => name.includes(w) || w.includes(name))) continue;
    if (out.some((n) => n.includes(name) || name.includes(n))) continue;
    out.push(name);
  }
  return out;
}

function enPeople(text: string, cityNames: readonly string[]): string[] {
  const found: [number, string][] = [];
  const cap = "[A-Z][a-z']+(?:-[A-Z][a-z']+)?";
  for (const m of text.matchAll(new RegExp(`\\b${cap}(?:\\s+${cap}){1,2}\\b`, 'g'))) {
    let words = m[0].split(/\s+/);
    let at = m.index;
    while (words.length > 0 && EN_NOT_NAMES.has((words[0] as string).toLowerCase())) {
      at += (words[0] as string).length + 1;
      words = words.slice(1);
    }
    if (words.length < 2 || words.some((w) => EN_NOT_NAMES.has(w.toLowerCase()))) continue;
    const name = words.join(' ');
    if (cityNames.some((c) => name.includes(c))) continue;
    found.push([at, name]);
  }
  for (const m of text.matchAll(new RegExp(`\\b(?:named|called)\\s+(${cap}(?:\\s+${cap})?)`, 'g'))) {
    found.push([m.index, m[1] as string]);
  }
  const out: string[] = [];
  for (const [, name] of found.sort((a, b) => a[0] - b[0])) {
    if (!out.some((n) => n === name || n.split(' ')[0] === name)) out.push(name);
  }
  return out;
}

/** The prompt's named people, places and things, in order of first mention, without repeats. */
export function readPromptEntities(
  text: string,
  language: Language,
  known: { roleWords: readonly string[]; cityNames: readonly string[] },
): PromptEntities {
  const clean = text.replace(/\p{Extended_Pictographic}|\uFE0F/gu, ' ');
  const unique = <T>(items: T[], key: (t: T) => string) =>
    items.filter((t, i) => items.findIndex((u) => key(u) === key(t)) === i);
  if (language === 'zh') {
    // Words inside a job ("外卖" in 外卖员, "大学" in 大学生) name no place or thing.
    const masked = known.roleWords
      .filter((w) => w.length > 1)
      .sort((a, b) => b.length - a.length)
      .reduce((t, w) => t.split(w).join('＿'.repeat(w.length)), clean);
    const placeHits = lexiconHits(masked, [...ZH_PLACES, ...ZH_LANDMARKS], false);
    const places = placeHits
      .map(([at, w]) => (w === '店里' ? '小店' : zhWithModifier(masked, at, w, '家座间所个')))
      .filter((p) => !known.cityNames.includes(p));
    const things = lexiconHits(
      masked,
      ZH_THINGS.map(([w]) => w),
      false,
    )
      // "书" inside "书店" was already read as a place.
      .filter(([at, w]) => !placeHits.some(([p, pw]) => at >= p && at < p + pw.length) || w.length > 1)
      .filter(([at, w]) => !placeHits.some(([p, pw]) => at >= p && at + w.length <= p + pw.length))
      .map(([at, w]) => {
        const measure = ZH_THINGS.find(([x]) => x === w)?.[1] ?? '个';
        return {
          text: zhWithModifier(masked, at, w, measure),
          measure,
          ...(measure === '场' && { event: true }),
        };
      });
    for (const m of clean.matchAll(/《([^》]{1,20})》/g)) things.push({ text: `《${m[1]}》`, measure: '本' });
    return {
      people: zhPeople(clean, known.roleWords),
      places: unique(places, (p) => p).filter((p, _, all) => !all.some((q) => q !== p && q.includes(p))),
      things: unique(things, (t) => t.text).filter(
        (t, _, all) => !all.some((q) => q.text !== t.text && q.text.includes(t.text)),
      ),
    };
  }
  const placeHits = lexiconHits(clean, EN_PLACES, true);
  const thingHits = lexiconHits(clean, EN_THINGS, true);
  const people = enPeople(clean, known.cityNames);
  const inPeople = (phrase: string) => people.some((p) => p.toLowerCase().includes(phrase.toLowerCase()));
  const places = placeHits.map(([at, w]) => enPhrase(clean, at, w, w.length)).filter((p) => !inPeople(p));
  const things = thingHits
    .filter(([at]) => !placeHits.some(([p, pw]) => at > p && at < p + pw.length + 1))
    .map(([at, w]) => ({
      text: enPhrase(clean, at, w, w.length),
      measure: '个',
      ...(EN_EVENTS.has(w) && { event: true }),
    }))
    .filter((t) => !inPeople(t.text));
  return {
    people,
    places: unique(places, (p) => p.toLowerCase()).filter(
      (p, _, all) => !all.some((q) => q !== p && q.toLowerCase().includes(p.toLowerCase())),
    ),
    things: unique(things, (t) => t.text.toLowerCase()).filter(
      (t, _, all) =>
        !all.some((q) => q.text !== t.text && q.text.toLowerCase().includes(t.text.toLowerCase())),
    ),
  };
}
