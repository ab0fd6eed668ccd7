/**
 * Speaker names in news prose: pulling a person's or organisation's name out of an attribution
 * phrase ("White House press secretary Stephanie Grisham", "President Trump", "a WeWork
 * spokesperson"), dropping titles, and telling news outlets apart from speakers.
 */

/** Words that are a role or honorific in front of a name, not part of it. */
const TITLE_WORDS = new Set(
  [
    'president', 'vice', 'former', 'late', 'then', 'acting', 'deputy', 'assistant', 'associate', 'senior', 'chief', 'executive',
    'sen', 'sen.', 'senator', 'rep', 'rep.', 'representative', 'gov', 'gov.', 'governor', 'lt.', 'lt', 'mayor', 'secretary',
    'sec.', 'minister', 'premier', 'chancellor', 'judge', 'justice', 'dr', 'dr.', 'doctor', 'prof', 'prof.', 'professor',
    'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'miss', 'mx.', 'gen', 'gen.', 'general', 'col', 'col.', 'colonel', 'capt', 'capt.',
    'captain', 'lieutenant', 'sgt', 'sgt.', 'sergeant', 'officer', 'detective', 'det.', 'coach', 'ceo', 'cfo', 'coo', 'cto',
    'chairman', 'chairwoman', 'chair', 'chairperson', 'commissioner', 'ambassador', 'director', 'manager', 'spokesman',
    'spokeswoman', 'spokesperson', 'analyst', 'attorney', 'leader', 'speaker', 'commander', 'inspector', 'superintendent',
    'councilman', 'councilwoman', 'councillor', 'councilor', 'sheriff', 'founder', 'co-founder', 'cofounder', 'editor',
    'reporter', 'head', 'rev', 'rev.', 'reverend', 'pastor', 'bishop', 'rabbi', 'imam', 'dean', 'trustee', 'economist',
    'strategist', 'prosecutor', 'lawyer', 'assemblyman', 'assemblywoman', 'congressman', 'congresswoman', 'delegate',
    'adviser', 'advisor', 'aide', 'partner', 'secretary-general', 'attorney-general', 'chief-executive', 'principal',
    'researcher', 'scientist', 'author', 'physician', 'nurse', 'surgeon', 'officials', 'official', 'candidate', 'nominee',
    'frontrunner', 'hopeful', 'incumbent', 'treasurer', 'comptroller', 'auditor', 'administrator', 'supervisor', 'coordinator',
    'investigator', 'agent', 'lead', 'study', 'team', 'press', 'communications', 'policy', 'national', 'security', 'state',
    'foreign', 'defense', 'defence', 'interior', 'finance', 'health', 'justice', 'u.s.', 'us', 'uk', 'u.k.', 'eu', 'un',
  ].map((word) => word.toLowerCase()),
);
/** Royal and noble titles stay with the name: "Prince Andrew", "Queen Elizabeth". */
const KEPT_TITLES = /^(?:Prince|Princess|King|Queen|Pope|Duke|Duchess|Lord|Lady|Sir|Dame|Saint|St\.)$/;
/** Lowercase particles inside names: "Ludwig van Beethoven", "Charles de Gaulle". */
const PARTICLES = new Set(['de', 'da', 'del', 'della', 'der', 'den', 'van', 'von', 'bin', 'ibn', 'al', 'el', 'la', 'le', 'du', 'dos', 'das', 'di', 'ter', 'ten', 'y']);
/** Capitalised words that start sentences or name times, never people. */
const NOT_NAMES = new Set(
  [
    'the', 'a', 'an', 'but', 'and', 'or', 'in', 'on', 'at', 'as', 'if', 'when', 'while', 'after', 'before', 'then', 'so', 'yet',
    'for', 'also', 'this', 'that', 'these', 'those', 'it', 'he', 'she', 'they', 'we', 'i', 'his', 'her', 'their', 'our', 'my',
    'its', 'there', 'here', 'meanwhile', 'however', 'still', 'now', 'today', 'yesterday', 'tomorrow', 'tonight', 'last', 'next',
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april',
    'june', 'july', 'august', 'september', 'october', 'november', 'december', 'jan.', 'feb.', 'aug.', 'sept.', 'oct.', 'nov.',
    'dec.', 'what', 'why', 'how', 'who', 'where', 'which', 'according', 'asked', 'speaking', 'writing', 'instead', 'indeed',
    'asked', 'yes', 'no', 'not', 'some', 'many', 'most', 'all', 'both', 'each', 'every', 'one', 'two', 'three', 'other',
    'another', 'such', 'even', 'just', 'only', 'with', 'without', 'from', 'to', 'of', 'by', 'about', 'during', 'since', 'until',
    'though', 'although', 'because', 'once', 'later', 'earlier', 'again', 'well', 'oh', 'mr', 'mrs', 'ms', 'you', 'your',
    'me', 'us', 'them', 'him', 'let', 'please', 'would', 'could', 'should', 'will', 'can', 'did', 'does', 'do', 'is', 'was',
    'has', 'had', 'may', 'might', 'must', 'are', 'were', 'have', 'thank', 'thanks', 'okay', 'ok', 'sure', 'look', 'listen', 'maybe', 'perhaps',
  ],
);
/** Heads of organisation names; such runs are organisations, not people. */
const ORGANISATION_WORD =
  /\b(?:Inc\.?|Corp\.?|Co\.|Company|Companies|Group|Holdings|University|College|Institute|Department|Ministry|Agency|Commission|Committee|Council|Bank|Association|Party|Court|Police|Army|Navy|House|Senate|Congress|Parliament|Administration|Foundation|Board|Office|Service|Services|Center|Centre|Authority|Records|Productions|Studios|Airlines|Motors|Labs|Laboratories|Technologies|Systems|Media|Entertainment|Network|Union|Federation|Organization|Organisation|Society|League|Club|Team|Government|Republic|Kingdom|States|Nations|Prosecution|Amnesty|International|Healthcare|Hospital|Clinic|School|Church|Museum|Fund|Trust|Capital|Partners|Securities|Exchange|Reserve|Bureau|Service|Patrol|Guard|Force|Forces|Corps|Command)\b/;
/** News organisations: what they "report" or "add" is a passage, not a statement. */
const OUTLET =
  /^(?:the\s+)?(?:Associated Press|AP|Reuters|AFP|Agence France-Presse|Bloomberg(?: News)?|CNN|BBC(?: News)?|NBC(?: News)?|ABC(?: News)?|CBS(?: News)?|Fox News|Fox|NPR|PBS|MSNBC|CNBC|Politico|Axios|Vox|Slate|The Atlantic|Atlantic|New Yorker|Guardian|Independent|Telegraph|Economist|Financial Times|FT|Wall Street Journal|WSJ|Journal|New York Times|Times|Washington Post|Post|USA Today|Daily Mail|Mail|Daily Beast|Hill|The Hill|Huffington Post|HuffPost|BuzzFeed(?: News)?|Business Insider|Insider|TechCrunch|Verge|The Verge|Wired|Variety|Deadline|Hollywood Reporter|TMZ|Xinhua|TASS|RIA Novosti|Al Jazeera|Sky News|Yahoo(?: News| Finance)?|Newsweek|Time|Forbes|Fortune|Breitbart|Daily Caller|Washington Examiner|Washington Times|Page Six|E! News|People|Us Weekly|Rolling Stone|Billboard|Kyodo|Yonhap|Interfax|Nikkei|Le Monde|Der Spiegel|Spiegel)$/i;
const OUTLET_HEAD = /\b(?:News|Times|Post|Journal|Press|Herald|Tribune|Gazette|Magazine|Chronicle|Daily|Weekly|Wire|Newswire|Radio|TV|Television|Broadcasting|Observer|Examiner|Inquirer|Courier|Dispatch|Bulletin|Report|Review)$/;

export function isOutlet(name: string): boolean {
  const text = name.trim();
  return OUTLET.test(text) || OUTLET_HEAD.test(text);
}

export function isOrganisationName(name: string): boolean {
  return ORGANISATION_WORD.test(name) || isOutlet(name);
}

const TOKEN = /^[\p{Lu}][\p{L}\p{M}'’.-]*$|^[\p{Lu}]\.$|^[\p{Lu}][\p{L}\p{M}]*[-'’][\p{L}\p{M}'’-]+$/u;

function cleanToken(token: string): string {
  return token.replace(/^[("“‘'\[]+|[)"”’'\],;:!?]+$/gu, '').replace(/(?:'s|’s)$/u, '');
}

function isNameToken(token: string): boolean {
  return TOKEN.test(token);
}

/**
 * Capitalised runs of a phrase ("White House press secretary Stephanie Grisham" → ["White
 * House", "Stephanie Grisham"]), with lowercase name particles allowed inside a run.
 */
export function capitalisedRuns(phrase: string): { text: string; start: number; end: number }[] {
  const raw = phrase.split(/\s+/).filter(Boolean);
  const words = raw.map(cleanToken);
  const runs: { text: string; start: number; end: number }[] = [];
  let current: string[] = [];
  let start = 0;
  const push = (end: number): void => {
    while (current.length > 0 && PARTICLES.has(current[current.length - 1] ?? '')) current.pop();
    if (current.length > 0) runs.push({ text: current.join(' '), start, end });
    current = [];
  };
  words.forEach((word, index) => {
    if (word !== '' && isNameToken(word)) {
      if (current.length === 0) start = index;
      current.push(word);
      // A possessive ends the run: "Britain’s Prince Andrew", "WeWork’s spokesman".
      if (/(?:'s|’s|[,;:.!?)”"])$/u.test(raw[index] ?? '') && !/^(?:\p{Lu}\.)+$|^(?:Jr|Sr|St|Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev)\.$/u.test(raw[index] ?? '')) push(index + 1);
    } else if (current.length > 0 && PARTICLES.has(word) && isNameToken(words[index + 1] ?? '')) {
      current.push(word);
    } else {
      push(index);
    }
  });
  push(words.length);
  return runs;
}

/**
 * The name in a capitalised run with its titles removed: "President Donald Trump" → "Donald
 * Trump", "Interior Minister Wolfgang Peschorn" → "Wolfgang Peschorn", "Prince Andrew" stays.
 * Undefined when nothing but titles (or sentence words) remains.
 */
export function stripTitles(run: string): string | undefined {
  const tokens = run.split(/\s+/).filter(Boolean);
  // Leading sentence words ("But Trump", "Meanwhile Smith").
  while (tokens.length > 0 && NOT_NAMES.has((tokens[0] ?? '').toLowerCase())) tokens.shift();
  if (tokens.every((token) => TITLE_WORDS.has(token.toLowerCase()))) return undefined;
  // The name starts after the last title word that precedes it ("Press Secretary Stephanie
  // Grisham" → "Stephanie Grisham"); "Associated Press" has no title in front of anything.
  let lastTitle = -1;
  tokens.forEach((token, index) => {
    if (index < tokens.length - 1 && TITLE_WORDS.has(token.toLowerCase()) && !TITLE_WORDS.has((tokens[index + 1] ?? '').toLowerCase())) lastTitle = index;
  });
  let name = tokens.slice(lastTitle + 1);
  // Party and state after a politician's name: "Brian Babin (R-TX)", "Nancy Pelosi, D-Calif.".
  while (name.length > 1 && (NOT_NAMES.has((name[name.length - 1] ?? '').toLowerCase()) || /^\(?[RDI]-[\p{L}.]+\)?$/u.test(name[name.length - 1] ?? ''))) name = name.slice(0, -1);
  if (name.length === 0) return undefined;
  if (name.every((token) => NOT_NAMES.has(token.toLowerCase()))) return undefined;
  return name.join(' ').replace(/[,.]$/, (mark) => (/\b(?:Jr|Sr)\.$/.test(name.join(' ')) ? mark : ''));
}

/** True when the run has a role or honorific in front of the name ("President Trump"). */
export function hasTitle(run: string): boolean {
  const tokens = run.split(/\s+/);
  return tokens.length > 1 && tokens.slice(0, -1).some((token) => TITLE_WORDS.has(token.toLowerCase()) || KEPT_TITLES.test(token));
}

export function isSentenceWord(word: string): boolean {
  return NOT_NAMES.has(word.toLowerCase());
}
