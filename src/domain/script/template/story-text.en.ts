import { GENRE_UNIT as G, type StoryText } from './story-text.js';

export const EN: StoryText = {
  logline:
    '{^yearPlace}. When {incident} throws {A}, {phraseA}, together with {B}, {phraseB}, {A} must choose what to protect: {stake}, or what {heA} truly wants.',
  cJob: 'colleague',
  cTrait: 'Talks too much and is loyal to the bone',
  traits: {
    A: [
      'Tough on the outside, soft underneath; hides every feeling in work',
      'Meticulous to the point of stubbornness, and hates asking for help',
      'Acts cool, but cares more than anyone',
    ],
    B: [
      'Frank and direct, allergic to half-hearted work',
      'Gentle but opinionated, always cuts straight to the point',
      'Seems easygoing, but sweats every detail',
    ],
  },
  timeWords: { dawn: 'at dawn', day: 'by day', dusk: 'at dusk', night: 'at night' },
  style: 'cinematic still, 35mm film look, shallow depth of field, realistic',
  defaultPlace: 'the city',
  surnames: [
    'Carter',
    'Brooks',
    'Hayes',
    'Reed',
    'Parker',
    'Bennett',
    'Collins',
    'Foster',
    'Walsh',
    'Morgan',
  ],
  given: {
    male: ['Ethan', 'Noah', 'Liam', 'Lucas', 'Owen', 'Daniel', 'Leo', 'Ryan', 'Adam', 'Jack'],
    female: ['Emma', 'Olivia', 'Maya', 'Chloe', 'Grace', 'Nora', 'Lily', 'Zoe', 'Hannah', 'Ava'],
  },
  beats: {
    opening: {
      title: 'The Last One Out',
      summary: '{^yearPlace}. {A}, {phraseA}, is the last one left {inSpotA} again.',
      actions: [
        '{A} stares at the {propA} and rubs {hisA} tired eyes',
        "{C} sets a cup of hot water by {A}'s hand and sighs",
      ],
      visual: 'a lonely figure working late, cold screen glow on the face',
      core: 0,
      units: [
        [
          ['C', "It's this late and you're the last {roleA} {inSpotA}."],
          ['A', "{^place} punishes anyone who stops. So I don't."],
        ],
        [
          ['C', "You've been in {place} for years. What are you actually chasing?"],
          ['A', "{want}. Don't laugh."],
        ],
        [
          ['C', "I'm not laughing. But look up once in a while. There are other people around you."],
          ['A', 'Fine. After this sprint.'],
        ],
      ],
    },
    setup: {
      title: 'Same Old Day',
      summary: '{A} keeps grinding at {spot}; {C} can tell something is weighing on {himA}.',
      actions: [
        '{A} stuffs the {propA} into a bag and pushes into the crowd',
        '{C} leans over with a phone, eager to share some gossip',
      ],
      visual: 'the everyday bustle of the city, crowds in motion',
      units: [
        [
          ['C', "Heard the news? They're restructuring the department next month."],
          ['A', "Let them. I'm {aRoleA}. Wherever they put me, I work."],
        ],
        [
          ['A', 'Rent in {place} went up again.'],
          ['C', "Of course it did. We're the fools who won't leave."],
          ['A', "Yeah. We won't."],
        ],
        [
          ['C', "Dinner this weekend? You haven't been out in forever."],
          ['A', 'After this crunch.'],
          ['C', 'You always say that.'],
        ],
        [
          ['A', 'Do you ever wonder what all this grinding gets us?'],
          ['C', 'A life with no regrets, hopefully.'],
        ],
        [
          ['C', 'Skipped breakfast again?'],
          ['A', 'I had coffee. Does that count?'],
          ['C', "You're lucky you're still standing."],
        ],
        [
          ['C', "You're going to burn a hole in that {propA} staring at it."],
          ['A', 'Give me a minute. The answer is in there somewhere.'],
        ],
        [
          ['A', 'Sometimes I think {place} has a million lights and not one of them is on for me.'],
          ['C', 'Dramatic. …But I get it.'],
        ],
      ],
    },
    inciting_incident: {
      title: 'The Accident',
      summary: '{^incident} throws {A} together with {B}, {phraseB}.',
      actions: ['{B} strides over, clutching the {propB}', 'Their eyes meet; the room goes quiet for a beat'],
      visual: 'a first meeting, the instant their eyes lock',
      units: [
        [
          ['B', 'Excuse me, which one of you is {A}?'],
          ['A', "That's me. And you are…?"],
          ['B', "{B}. I'm the {roleB}."],
        ],
        G,
        [
          ['A', "So we're stuck with each other now?"],
          ['B', "Looks like it. Let's make the best of it."],
        ],
      ],
    },
    first_turn: {
      title: 'The Decision',
      summary: '{A} makes a choice: no more hiding. {A} and {B} will face what comes together.',
      actions: ['{A} takes a deep breath and closes the {propA}', '{B} holds out a hand; {A} takes it'],
      visual: 'a face set with resolve, two hands clasped',
      core: 0,
      units: [
        [
          ['A', "I thought about it all night. I'm done running from this."],
          ['B', 'Are you sure? {^stake} could be on the line.'],
        ],
        [
          ['A', "I'm sure. After all these years in {place}, I get to be reckless once."],
          ['B', "Then it's a deal. Nobody quits halfway."],
        ],
        [
          ['A', 'Deal.'],
          ['B', "From tomorrow, we're in the same boat."],
        ],
      ],
    },
    rising_action: {
      title: 'Common Ground',
      summary: 'At {spot}, {A} and {B} push forward side by side, and something like trust begins to grow.',
      actions: ['{B} slides the {propB} over and points at one corner', '{A} almost smiles, then catches it'],
      visual: 'working side by side, easy smiles',
      units: [
        [
          ['B', "Have you noticed? Together we're scarily efficient."],
          ['A', "{^pairRoles}. We were made to fill each other's gaps."],
        ],
        [
          ['C', 'Whoa, {A}, was that a smile?'],
          ['A', 'Mind your own business.'],
          ['B', "Ignore {C}. Let's keep going."],
        ],
        [
          ['B', "Next time dinner's on me. The best place in {place}."],
          ['A', 'Deal. No bailing.'],
        ],
        [
          ['A', 'Why are you helping me?'],
          ['B', 'Because I want to see how far we can get.'],
        ],
        [
          ['B', 'Take another look at this part?'],
          ['A', "It's better than I imagined."],
          ['B', "Of course it is. I'm the {roleB}."],
        ],
        [
          ['A', 'How did you know this was exactly what I wanted?'],
          ['B', 'A guess. A good one, apparently.'],
        ],
        [
          ['C', 'You two have been spending a lot of time together.'],
          ['A', 'For work.'],
          ['C', 'Sure. For work.'],
        ],
        [
          ['B', 'Tired? I brought the best bubble tea in {place}.'],
          ['A', '…How did you know I like this?'],
          ['B', 'The row of empty cups on your desk told me.'],
        ],
      ],
    },
    midpoint: {
      title: 'The Secret',
      summary: '{B} reveals a long-kept secret, and nothing between {A} and {B} is the same again.',
      actions: ['The lights of {place} spread out behind them', '{A} freezes, unable to speak'],
      visual: 'a secret revealed, city lights behind them',
      units: [
        [
          ['B', "There's something I never told you."],
          ['A', "Tell me. I'm listening."],
        ],
        G,
        [
          ['A', "So… {incident} wasn't an accident either?"],
          ['B', "Whether it was doesn't matter anymore."],
        ],
      ],
    },
    complication: {
      title: 'Pressure',
      summary: 'At {spot}, {D} turns up the pressure, and {A} is pushed to the edge of a choice.',
      actions: ['{D} slides a document across the desk', "{A}'s fist tightens until the knuckles go white"],
      visual: 'a tense confrontation across a desk',
      units: [
        [
          ['D', '{A}, a word.'],
          ['A', '{dCall}? What is it?'],
          ['D', '{pressure}.'],
        ],
        [
          ['A', 'Why does it have to be this way?'],
          ['D', 'Because I know better than you what {place} does to people. You have three days.'],
        ],
        [
          ['D', "Don't answer yet. Think about what's at stake: {stake}."],
          ['A', 'I know.'],
        ],
        [
          ['D', 'I gave you a chance, {A}.'],
          ['A', "You didn't give me a chance. You gave me terms."],
        ],
        [
          ['A', 'And if I refuse?'],
          ['D', "Then don't say I didn't warn you."],
        ],
        [
          ['B', '{^dRef} talked to you?'],
          ['A', 'Yeah.'],
          ['B', "Whatever it was, don't carry it alone."],
        ],
        [
          ['C', "Everyone's talking about you and {B}."],
          ['A', 'Let them talk.'],
          ['C', '{^dRef} heard it too.'],
        ],
      ],
    },
    crisis: {
      title: 'Rock Bottom',
      summary: '{^crisisEvent}. {A} hits rock bottom.',
      actions: [
        'A door slams; {A} is left standing alone',
        'A phone screen lights up and goes dark. No new messages',
      ],
      visual: 'alone in a dim room, defeated',
      units: [
        G,
        [
          ['A', 'I ruined everything.'],
          ['B', "It's not all on you. But right now I don't know what to do either."],
        ],
        [
          ['C', "So you're just giving up?"],
          ['A', 'Maybe {place} is simply too big for someone like me.'],
        ],
      ],
    },
    regroup: {
      title: 'Getting Back Up',
      summary: 'At {spot}, {C} talks {A} back up from rock bottom.',
      actions: [
        '{C} slides a can of beer over to {A}',
        '{A} watches the lights of {place} and slowly sits up straight',
      ],
      visual: 'two friends across a table, warm low light, resolve returning',
      units: [
        [
          ['C', "After {grindA}, you never once gave up. You're quitting now?"],
          ['A', '…No.'],
        ],
        [
          ['C', '{B} is still waiting for one word from you.'],
          ['A', 'I know what to say now.'],
        ],
        [
          ['A', 'I need a favor.'],
          ['C', "Finally. I've been waiting for you to ask."],
        ],
        [
          ['C', 'Remember what you said when you first came to {place}?'],
          ['A', '{want}.'],
          ['C', 'Then go get it.'],
        ],
        [
          ['A', 'What if I lose again?'],
          ['C', 'Then at least you lose your own way.'],
        ],
        [
          ['A', 'Am I useless?'],
          ['C', "You're just too used to carrying everything alone."],
        ],
      ],
    },
    climax: {
      title: 'Showdown',
      summary: 'At the {climaxSpot}, {A} finally stands up.',
      actions: ['Every eye in the room turns to {A}', "{B} freezes; {B}'s eyes slowly redden"],
      visual: 'standing up in front of everyone, the emotional peak',
      units: [
        [
          ['A', "Wait! There's something I have to say, right now."],
          ['D', '{A}, think about the consequences.'],
        ],
        G,
        [
          ['B', "Come on. Everyone's waiting."],
          ['A', 'Together, then.'],
        ],
      ],
    },
    aftermath: {
      title: 'After the Storm',
      summary: 'After the storm, at {spot}, {A} and {B} pick up the pieces, and themselves.',
      actions: ['{A} puts the {propA} away and, for once, leaves it there', '{B} hands over a hot coffee'],
      visual: 'quiet after the storm, soft light',
      units: [
        [
          ['B', 'Tired?'],
          ['A', 'Exhausted. But it feels solid.'],
        ],
        [
          ['C', 'Honestly? You were amazing that day.'],
          ['A', 'Stop. My hands are still shaking.'],
        ],
        [
          ['B', "So what's next?"],
          ['A', 'Sleep. Then start over, properly.'],
        ],
        [
          ['A', 'Thank you, {C}.'],
          ['C', "Don't thank me. Buy me dinner."],
        ],
        [
          ['B', 'Any regrets?'],
          ['A', "None. I'm just starving."],
        ],
        [
          ['C', "The group chat is exploding. Everyone's talking about you."],
          ['A', "Let them. I'm clocking out."],
        ],
      ],
    },
    resolution: {
      title: 'A New Morning',
      summary: 'The dust settles, and {A} and {B} begin again in {place}.',
      actions: [
        'Morning light spills over the skyline onto their shoulders',
        '{A} and {B} walk side by side into the rush-hour crowd',
      ],
      visual: 'walking side by side in morning light, hopeful',
      units: [
        [
          ['B', 'So this is what {place} looks like at dawn.'],
          ['A', 'I used to leave work at this hour and never once looked.'],
        ],
        G,
        [
          ['C', 'Hey, wait for me!'],
          ['A', "Hurry up, we'll be late."],
        ],
      ],
    },
  },
  genres: {
    romance: {
      label: 'romance',
      title: 'The {^whoA} and the {^whoB}',
      incidents: [
        {
          name: 'a misdirected work email',
          lines: [
            ['B', "Last night's company-wide email, subject line 'I'd like to meet you', went only to me."],
            ['A', 'That was… a test script gone wrong. Honestly.'],
          ],
        },
        {
          name: 'fifteen minutes in a stalled elevator',
          lines: [
            ['A', "I… I'm a little afraid of the dark."],
            ['B', "Then I'll keep talking until the lights come back."],
          ],
        },
        {
          name: 'a mixed-up umbrella',
          lines: [
            ['B', 'The umbrella you took has my name carved on the handle.'],
            ['A', 'That explains the note that fell out when I opened it.'],
          ],
        },
      ],
      want: 'Someone waiting downstairs when I finally clock out',
      stake: 'a job that took years to land',
      pressure: 'Company policy: no office romance. Either you transfer, or {B} goes',
      crisisEvent: "news of {A}'s transfer breaks, and {B} walks away",
      midpoint: [
        ['B', 'Three years ago, that rainy night in {place}, the stranger who gave you an umbrella was me.'],
        ['A', 'So… it was you.'],
      ],
      crisis: [
        ['B', "You're being sent out of town for six months. You knew, didn't you?"],
        ['A', "…I didn't know how to tell you."],
      ],
      climax: [
        ['A', "I'm not leaving. For all the years ahead, I want to stay in the {place} that has you in it."],
        ['B', "Idiot… I've waited so long to hear that."],
      ],
      ending: [
        ['A', "From now on, I'll be the one waiting downstairs after work."],
        ['B', "Deal. And you're never allowed to be late."],
      ],
      climaxSpot: 'company party',
      dSpot: "director's office",
      mood: 'warm tender palette, romantic atmosphere, soft bokeh',
      functions: { A: 'protagonist', B: 'love interest', C: 'best friend', D: 'obstacle' },
      dJob: 'department director',
      dCall: '{dTitle} {dSurname}',
      dRef: '{dTitle} {dSurname}',
      dTrait: 'All smiles, and only ever cares about results',
    },
    mystery: {
      label: 'mystery',
      title: 'Shadows over {^place}',
      incidents: [
        {
          name: 'an anonymous email from a dead colleague',
          lines: [
            ['B', 'Whoever sent this email died three months ago.'],
            ['A', 'Then why was it sent at nine this morning?'],
          ],
        },
        {
          name: 'a surveillance clip that appeared out of nowhere',
          lines: [
            ['B', "There's a new clip on the server: {spotA}, the night it happened."],
            ['A', 'That night… I was there.'],
          ],
        },
        {
          name: 'an old phone that belongs to no one',
          lines: [
            ['B', "This phone was in your drawer, but it isn't registered to anyone."],
            ['A', 'And the passcode… is my birthday.'],
          ],
        },
      ],
      want: 'To find out the one thing nobody here will talk about',
      stake: 'two good names',
      pressure: 'Drop it. Keep digging, and neither you nor {B} will have a place in {place}',
      crisisEvent: 'the only witness recants, and every clue points at {A}',
      midpoint: [
        ['B', 'The footage was tampered with. The account that deleted it is registered to you.'],
        ['A', 'Someone wants me to take the fall.'],
      ],
      crisis: [
        ['B', 'The witness changed the story. Every piece of evidence points at you now.'],
        ['A', 'Do you believe it too?'],
      ],
      climax: [
        ['A', 'You deleted that footage. I found the door logs from that night.'],
        ['B', "The evidence is already with the police. You're not walking away this time."],
      ],
      ending: [
        ['A', "The truth is out, but I can't shake the feeling this city has more secrets."],
        ['B', "Then we keep digging. I'm still your partner."],
      ],
      climaxSpot: 'main conference room',
      dSpot: "VP's office",
      mood: 'cold desaturated palette, noir tension, low-key light',
      functions: { A: 'protagonist', B: 'partner', C: 'friend', D: 'mastermind' },
      dJob: 'vice president',
      dCall: '{dTitle} {dSurname}',
      dRef: '{dTitle} {dSurname}',
      dTrait: 'Unfailingly polite; nobody has ever seen {himD} lose composure',
    },
    workplace: {
      label: 'workplace',
      title: 'Deadline: {^place}',
      incidents: [
        {
          name: 'a plan torn up the night before launch',
          lines: [
            ['B', 'We launch tomorrow, and {dRef} just tore up the whole plan.'],
            ['A', 'Tore it up? Then what were the last three months for?'],
          ],
        },
        {
          name: 'credit stolen in front of everyone',
          lines: [
            [
              'B',
              "The proposal at the weekly meeting: you wrote it, didn't you? But {dRef}'s name is on it.",
            ],
            ['A', '…How did you know?'],
          ],
        },
      ],
      want: 'To make something in {place} that is truly mine',
      stake: "half a year of the team's work",
      pressure:
        "Put my name on the proposal and you'll be on the promotion list. Otherwise your team is dissolved tomorrow",
      crisisEvent: 'the project is cut, and the team faces layoffs',
      midpoint: [
        ['B', 'This project was set up to fail, and {dRef} picked the two of us to take the blame.'],
        ['A', 'So we were pawns from the start.'],
      ],
      crisis: [
        ['B', "The project's been cut. Half the team is being let go."],
        ['A', "…Who's on the list?"],
      ],
      climax: [
        [
          'A',
          'This proposal has been ours since the first line. The commit history and the originals are right here.',
        ],
        ['B', 'Whoever did the work should stand up and own it.'],
      ],
      ending: [
        ['B', 'From tomorrow, we lead our own team.'],
        ['A', 'And our first project is the one we actually believe in.'],
      ],
      climaxSpot: 'product launch',
      dSpot: "director's office",
      mood: 'crisp cool daylight, ambitious corporate atmosphere',
      functions: { A: 'protagonist', B: 'rival', C: 'friend', D: 'boss' },
      dJob: 'department director',
      dCall: '{dTitle} {dSurname}',
      dRef: '{dTitle} {dSurname}',
      dTrait: 'All smiles, and only ever cares about results',
    },
    comedy: {
      label: 'comedy',
      title: 'The Accidental {^whoA}',
      incidents: [
        {
          name: 'a slip of the thumb that added the boss to a dating group chat',
          lines: [
            ['B', "You added {dRef} to the 'Singles Mingle' group chat. The whole company knows."],
            ['A', 'I… I meant to add you!'],
          ],
        },
        {
          name: 'a mystery parcel sent to the wrong address',
          lines: [
            ['B', "This parcel has your name on it, and there's a wedding dress inside."],
            ['A', "I didn't buy that! …Probably."],
          ],
        },
      ],
      want: 'One single day without embarrassing myself',
      stake: 'the last shred of dignity left in {place}',
      pressure:
        "You and {B} are doing the act at the company party. Bomb it, and everyone's bonus goes to charity",
      crisisEvent: 'the act is cut in front of everyone at rehearsal',
      midpoint: [
        ['B', 'That message… I sent it. I meant to unsend it and pinned it instead.'],
        ['A', 'You?! I took the blame for a whole month!'],
      ],
      crisis: [
        ['B', "Our act got cut from the party. It's been replaced by {dRef}'s solo."],
        ['A', "A solo. Of course it's a solo."],
      ],
      climax: [
        ['A', "Everyone, we're not doing a skit tonight. We're re-enacting a whole year of disasters!"],
        ['B', 'Act one: {incident}!'],
      ],
      ending: [
        ['A', 'Honestly, the funniest thing this year was meeting you.'],
        ['B', "Then next year, let's aim to be even more embarrassing."],
      ],
      climaxSpot: 'company party stage',
      dSpot: "boss's office",
      mood: 'bright saturated colors, playful comedic atmosphere',
      functions: { A: 'protagonist', B: 'sidekick', C: 'friend', D: 'boss' },
      dJob: 'company owner',
      dCall: '{dTitle} {dSurname}',
      dRef: '{dTitle} {dSurname}',
      dTrait: 'Loves saving face, and loves karaoke even more',
    },
    family: {
      label: 'family',
      title: 'The Long Way Home',
      incidents: [
        {
          name: 'a late-night call from home',
          lines: [
            ['B', "Your phone keeps ringing. The caller ID says 'Home'."],
            ['A', "…I haven't picked up that number in three years."],
          ],
        },
        {
          name: 'an old photo hidden for ten years',
          lines: [
            ['B', "This photo fell out of your bag. That's you, isn't it?"],
            ['A', 'And my {parentNoun}. It was taken the day before {heD} left.'],
          ],
        },
      ],
      want: 'For my family to respect the road I chose',
      stake: 'a family that barely held together',
      pressure: "This city isn't for you. Come home with me. I've already found you a job",
      crisisEvent: "news comes that {A}'s {parentNoun} is in the hospital, and {A} is the last to know",
      midpoint: [
        ['B', "{^parentRef} didn't walk out on you. {^heD} left to carry a debt for the whole family."],
        ['A', '…Why did {heD} never say a word?'],
      ],
      crisis: [
        ['C', "{^parentRef}'s in the hospital. {^heD} told everyone not to tell you."],
        ['A', 'Since when?'],
      ],
      climax: [
        [
          'A',
          "{parentCall}, I'm not going back. But I'll come home often. This is the road I chose. Watch me walk it.",
        ],
        ['D', "…Fine. Then walk it, and don't look back."],
      ],
      ending: [
        ['A', 'Come home with me for the New Year.'],
        ['B', "Then I'd better learn a few words of your dialect."],
      ],
      climaxSpot: 'hospital corridor',
      dSpot: 'family living room',
      mood: 'warm restrained palette, intimate family drama',
      functions: { A: 'protagonist', B: 'confidant', C: 'friend', D: '{parentNoun}' },
      dJob: '{parentNoun}',
      dCall: '{parentCall}',
      dRef: '{parentRef}',
      dTrait: 'Hard-spoken, hiding an old story',
    },
  },
};
