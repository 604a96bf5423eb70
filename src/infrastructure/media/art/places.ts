/**
 * What kind of place a scene's free-text location is (zh or en), for the offline pictures. The list
 * covers what the template writer stages (workplaces, the common spots, city landmarks, the climax
 * venues) and what people type; anything else gets a neutral interior.
 */
export const PLACE_KINDS = [
  'office',
  'hospital',
  'cafe',
  'restaurant',
  'home',
  'shop',
  'library',
  'station',
  'street',
  'waterside',
  'park',
  'rooftop',
  'hall',
  'generic',
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export type TimeOfDay = 'dawn' | 'day' | 'dusk' | 'night';

/**
 * First match wins, so the specific comes before the general: "医院走廊" is a hospital, not a corridor;
 * "写字楼天台" a rooftop, not an office; "江边步道" a waterside, not a street.
 */
const RULES: readonly [PlaceKind, RegExp][] = [
  ['hospital', /医院|急诊|病房|诊所|手术|护士站|hospital|\bER\b|emergency|ward|clinic|surgery/i],
  ['rooftop', /天台|楼顶|屋顶|rooftop|roof\b/i],
  [
    'station',
    /地铁|站台|车站|火车|高铁|候车|机场|登机|subway|metro|platform|station|train|airport|terminal/i,
  ],
  ['hall', /年会|发布会|舞台|礼堂|宴会厅|典礼|大会|party|launch|stage|ballroom|auditorium|ceremony|gala/i],
  ['cafe', /咖啡|茶馆|奶茶|café|cafe|coffee|tea ?house/i],
  [
    'restaurant',
    /餐厅|饭店|饭馆|酒馆|酒吧|后厨|厨房|食堂|面馆|火锅|大排档|restaurant|diner|kitchen|canteen|bar\b|pub\b|bistro/i,
  ],
  ['shop', /书店|便利店|商店|超市|店铺|商场|花店|shop|store|bookstore|market|mall|boutique/i],
  [
    'home',
    /出租屋|家里|老家|客厅|卧室|公寓|宿舍|家中|住处|home|flat|apartment|living room|bedroom|dorm|house/i,
  ],
  ['street', /天桥|footbridge|skywalk|overpass/i],
  [
    'waterside',
    /湖|江|河|海|湾|港|外滩|岸|码头|桥|lake|river|bay|harbou?r|quay|embankment|shore|beach|pier|bridge|waterfront|riverside|bund/i,
  ],
  ['park', /公园|花园|广场|树林|park|garden|square|woods|forest|hill|overlook/i],
  [
    'office',
    /办公|公司|工位|会议室|写字楼|部\b|部$|工作室|实验室|编辑部|事务所|律所|财务室|总裁办|office|desk|meeting room|conference|studio|lab\b|newsroom|agency|floor|headquarters|squad room/i,
  ],
  ['library', /图书馆|书房|教室|学校|校园|library|classroom|school|campus|study\b/i],
  [
    'street',
    /街|巷|胡同|弄堂|路口|马路|城墙|城中村|骑楼|路边|street|alley|lane|crossing|avenue|road|corner|sidewalk|steps|wall/i,
  ],
];

export function classifyPlace(location: string): PlaceKind {
  const text = location.normalize('NFKC');
  for (const [kind, pattern] of RULES) if (pattern.test(text)) return kind;
  return 'generic';
}

/** 32-bit FNV-1a of the text: the same place text gives the same details in every scene and drama. */
export function placeHash(text: string): number {
  let h = 0x811c9dc5;
  const normal = text.normalize('NFKC').trim().toLowerCase();
  for (let i = 0; i < normal.length; i++) h = Math.imul(h ^ normal.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small seeded generator (xorshift32): draws the same sequence for the same seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
