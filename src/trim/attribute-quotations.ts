import type { Quotation } from './find-quotations.js';
import { capitalisedRuns, hasTitle, isOrganisationName, isOutlet, isSentenceWord, stripTitles } from './strip-titles.js';

/**
 * Attributes quotations to speakers using the patterns news prose uses: “…,” Trump said /
 * “…,” said Trump / Trump said: “…” / according to Trump, “…”; pronouns and role words ("he",
 * "the president") are resolved to the nearest named person; an attribution interrupting a
 * quotation (“A,” he said. “B.”) and a quotation continued over paragraphs carry the speaker
 * over. Quotations from news outlets ("the Associated Press adds: “…”") are marked as passages.
 */

export type Attribution = 'named' | 'role' | 'pronoun' | 'inherited' | 'context';

export interface AttributedQuotation extends Quotation {
  /** The speaker as the article names them, titles removed; undefined when unknown. */
  speaker?: string;
  /** How the speaker was found; the less direct, the less sure. */
  attribution?: Attribution;
  /** A passage quoted from a news outlet or document, not speech. */
  passage: boolean;
  /** The attribution verb, lowercased ("said", "tweeted", "reiterated"). */
  verb?: string;
  /** The text right before the quotation is a naming or title cue ("called", "dubbed"). */
  named: boolean;
}

const VERBS = [
  'said', 'says', 'say', 'told', 'tells', 'added', 'adds', 'explained', 'explains', 'noted', 'notes', 'stated', 'states',
  'wrote', 'writes', 'tweeted', 'tweets', 'posted', 'asked', 'asks', 'argued', 'argues', 'insisted', 'insists', 'continued',
  'continues', 'recalled', 'recalls', 'acknowledged', 'acknowledges', 'admitted', 'admits', 'declared', 'declares', 'warned',
  'warns', 'announced', 'announces', 'replied', 'replies', 'responded', 'responds', 'answered', 'answers', 'observed',
  'observes', 'remarked', 'remarks', 'claimed', 'claims', 'suggested', 'suggests', 'concluded', 'concludes', 'emphasized',
  'emphasizes', 'emphasised', 'emphasises', 'stressed', 'stresses', 'predicted', 'predicts', 'reiterated', 'reiterates',
  're-iterated', 'repeated', 'joked', 'jokes', 'quipped', 'quips', 'boasted', 'boasts', 'complained', 'complains',
  'lamented', 'laments', 'conceded', 'concedes', 'pointed out', 'points out', 'went on', 'goes on', 'cautioned', 'cautions',
  'urged', 'urges', 'vowed', 'vows', 'promised', 'promises', 'confirmed', 'confirms', 'countered', 'counters', 'testified',
  'testifies', 'recounted', 'recounts', 'mused', 'muses', 'shouted', 'shouts', 'yelled', 'whispered', 'exclaimed', 'cried',
  'demanded', 'demands', 'described', 'describes', 'shared', 'texted', 'emailed', 'asserted', 'asserts', 'agreed', 'agrees',
  'contended', 'contends', 'maintained', 'maintains', 'opined', 'speculated', 'estimated', 'estimates', 'reported',
  'reports', 'sang', 'sings', 'offered', 'offers', 'reflected', 'reflects', 'cracked', 'snapped', 'retorted', 'interjected',
  'chimed in', 'thundered', 'fumed', 'raged', 'pleaded', 'begged', 'implored', 'wondered', 'teased', 'revealed', 'reveals',
  'disclosed', 'affirmed', 'assured', 'reassured', 'informed', 'advised', 'announced', 'commented', 'comments', 'wrote on',
  'posted on', 'tweeted on', 'told reporters',
];
const VERB = `(?:${[...new Set(VERBS)].sort((a, b) => b.length - a.length).join('|')})`;
/** Adverbs and auxiliaries that may sit between subject and verb ("Trump plainly told", "has said"). */
const FILLER =
  '(?:(?:\\p{Ll}+ly|also|later|then|once|now|instead|has|had|have|would|will|could|might|may|did|does|do|previously|recently|earlier|further|repeatedly|again|even|still|just|since|often|once|first|last|later|separately|subsequently|finally|initially|originally|reportedly|allegedly|apparently|publicly|privately|simply)\\s+){0,2}';

const PRONOUNS = /^(?:he|she|they|we|i|it|him|her)$/i;
const DOCUMENT = /^(?:statement|report|letter|complaint|lawsuit|indictment|filing|memo|release|post|tweet|email|e-mail|note|article|study|paper|survey|order|ruling|decision|opinion|affidavit|document|documents|transcript|summary|announcement|notice|website|caption|message)s?$/i;
const ROLE =
  /(?:^|\s)(president|senator|governor|mayor|minister|prime minister|chancellor|secretary|ceo|chief executive|executive|chairman|chairwoman|chair|spokesman|spokeswoman|spokesperson|representative|congressman|congresswoman|judge|justice|coach|director|lawyer|attorney|prosecutor|professor|king|queen|prince|princess|pope|singer|actor|actress|rapper|star|author|researcher|scientist|doctor|officer|sheriff|commissioner|ambassador|leader|founder|economist|analyst|manager|company|firm|agency|department|ministry|group|organization|organisation|band|label|studio|network|campaign|team|club|league|retailer|bank|government|administration)$/i;
const SPOKES = /^(?:spokesman|spokeswoman|spokesperson|spokespeople|representative|rep|statement|release|announcement|official|officials|lawyer|attorney|attorneys|lawyers)$/i;
const NAMING_CUE = /\b(?:called|calls|call|dubbed|dubs|titled|entitled|named|nicknamed|headlined|labeled|labelled|branded|known as|so-called|the (?:word|words|phrase|term|slogan|hashtag|motto|song|album|film|movie|book|show|series|play|poem|episode|program|programme|campaign|headline|title)|reads?|read|chanted|chanting|signs? (?:that )?(?:read|said|saying)|hashtag|tagline|slogan|motto)\s*$/i;

interface Mention {
  name: string;
  /** Offset in the article text (paragraphs joined with "\n"). */
  at: number;
  /** Added for a quotation's named speaker rather than found in the text. */
  spoke: boolean;
  /** Stands as a clause's subject ("Simmons teed up …"), not an object or possessive. */
  subject: boolean;
  titled: boolean;
  organisation: boolean;
}

interface Resolved {
  speaker?: string;
  attribution?: Attribution;
  passage: boolean;
  verb?: string;
}

/** The subject of a speech verb, from a phrase like "White House spokeswoman Stephanie Grisham". */
function subjectOf(phrase: string): { kind: 'name' | 'pronoun' | 'description' | 'none'; name?: string; role?: string; organisation?: string } {
  let text = phrase.trim().replace(/^[,;:\s]+|[,;:\s]+$/g, '');
  if (text === '') return { kind: 'none' };
  // "Smith, a professor at Yale, said" → "Smith"; "In a statement, WeWork said" → "WeWork".
  const segments = text.split(/\s*,\s*/).filter(Boolean);
  if (segments.length > 1) {
    for (const segment of segments) {
      const firstWord = segment.split(/\s+/)[0] ?? '';
      if (isSentenceWord(firstWord) && !/^(?:the|a|an|he|she|they|we|i|it)$/i.test(firstWord)) continue;
      const subject = subjectOf(segment);
      if (subject.kind === 'name' || subject.kind === 'pronoun') return subject;
    }
    return subjectOf(segments[segments.length - 1] ?? '');
  }
  text = segments[0] ?? text;
  const words = text.split(/\s+/);
  if (words.length === 1 && PRONOUNS.test(text)) return { kind: 'pronoun', name: text.toLowerCase() };
  const lastWord = words[words.length - 1] ?? '';
  const runs = capitalisedRuns(text);
  // "Paganini and his team wrote": the named person leads the group.
  const leader = /^(.+?)\s+and\s+(?:his|her|their)\s+[\p{Ll}\s-]+$/u.exec(text);
  if (leader) {
    const subject = subjectOf(leader[1] ?? '');
    if (subject.kind === 'name') return subject;
  }
  const lastRun = runs[runs.length - 1];
  // A phrase ending in a capitalised run names someone ("Trump", "Apple CEO Tim Cook").
  // "The study published in JAMA Psychiatry": a name after a preposition is not the subject.
  const beforeRun = lastRun ? (words[lastRun.start - 1] ?? '').toLowerCase() : '';
  const governed = /^(?:in|at|of|for|from|with|by|on|to|into|about|via|under|over|near|between|among|against|told|tells)$/.test(beforeRun);
  if (lastRun && lastRun.end === words.length && !governed) {
    if (isOutlet(lastRun.text)) return { kind: 'name', name: lastRun.text };
    const name = stripTitles(lastRun.text);
    if (name && !name.split(' ').every(isSentenceWord)) return { kind: 'name', name };
    // Only a title ("the President"): a role to resolve.
    return { kind: 'description', role: lastRun.text.toLowerCase() };
  }
  // "a WeWork spokesperson", "WeWork’s statement": the organisation speaks.
  if (SPOKES.test(lastWord.replace(/[’']s$/, '')) || DOCUMENT.test(lastWord)) {
    const organisation = runs.map((run) => stripTitles(run.text)).filter((name): name is string => !!name).pop();
    if (organisation && !isSentenceWord(organisation)) return { kind: 'description', organisation, role: lastWord.toLowerCase() };
  }
  const lower = text.toLowerCase();
  const organisationRole = /\b(company|firm|agency|department|ministry|organization|organisation|band|label|studio|network|campaign|club|league|retailer|bank|government|administration)\b/.exec(lower);
  if (organisationRole) return { kind: 'description', role: organisationRole[1] ?? '' };
  const role = ROLE.exec(lower);
  if (role) return { kind: 'description', role: role[1] ?? '' };
  return { kind: 'description' };
}

function wordsIn(text: string): number {
  return text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
}

/** A character of an attribution phrase: no sentence punctuation, except an abbreviation's dot. */
const PHRASE_CHAR = '(?:[^.;:!?“”"]|(?<=(?:^|[\\s(])(?:Sen|Rep|Gov|Dr|Mr|Mrs|Ms|Mx|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|Sec|Det|Gov|U\\.S|U\\.K|[\\p{Lu}]))\\.)';
const AFTER_VERB_FIRST = new RegExp(`^(${VERB})\\s+((?:${PHRASE_CHAR.replace(':!?', ':!?()')}){1,80})`, 'u');
const AFTER_SUBJECT_FIRST = new RegExp(`^(${PHRASE_CHAR}{1,120}?)\\s+${FILLER}(${VERB})\\b`, 'u');
const EMBEDDED = new RegExp(`(?:^|\\s)${VERB}\\s`, 'u');
const BEFORE_VERB = new RegExp(`\\s+${FILLER}(${VERB})\\b`, 'gu');

/** The subject-sized end of a phrase: after the last "but"/"and"/";", at most ten words. */
function lastClause(text: string): string {
  const parts = text.split(/\s(?:but|and(?!\s+(?:his|her|their|its)\s)|while|as|because|when|after|before|though|although|so|then|where|whereas)\s|;\s*/i);
  const last = parts[parts.length - 1] ?? '';
  const words = last.trim().split(/\s+/);
  return words.slice(-30).join(' ');
}
const ACCORDING_TO = /according to\s+([^,.;:“”"]{1,80})/i;

/** Cuts the leading appositive/prepositional tail of a verb-first subject ("Smith in an interview"). */
function verbFirstSubject(phrase: string): string {
  const stop = /\s(?:in|on|at|during|after|before|to|of|about|when|while|who|which|from|via|with|as|last|this|on)\s/i.exec(` ${phrase} `);
  const cut = stop ? phrase.slice(0, Math.max(0, stop.index - 1)) : phrase;
  return cut.split(',')[0] ?? cut;
}

/**
 * Finds the attribution of one quotation from the text right after it (in the same sentence)
 * and, failing that, from the text before it in its sentence.
 */
interface DirectAttribution {
  phrase?: string;
  verb?: string;
  side?: 'after' | 'before';
  /** Offset in the paragraph of the verb: a pronoun subject refers to someone named before it. */
  position?: number;
}

/** Words that cannot start the subject of an attribution after a quotation ("at the release, adding…"). */
const NOT_A_SUBJECT_START = /^(?:at|in|on|for|with|from|to|into|and|but|or|as|while|which|that|when|where|after|before|because|if|so|than|then|by|of|about|over|under|during|since|until|despite|without|within|instead|though|although|whether|who|whom)$/;

function attributeDirectly(paragraph: string, quotation: Quotation, nextOpen: number, previousClose: number): DirectAttribution {
  const after = paragraph.slice(quotation.close, nextOpen).replace(/^\s*[,–—-]?\s*/, '');
  const text = quotation.text;
  const endsSentence = /[.]["”’']*$/.test(text);
  if (after !== '') {
    const verbFirst = AFTER_VERB_FIRST.exec(after);
    if (verbFirst) {
      const subject = verbFirstSubject(verbFirst[2] ?? '');
      if (subject.trim() !== '') return { phrase: subject, verb: (verbFirst[1] ?? '').toLowerCase(), side: 'after', position: quotation.close };
    }
    const subjectFirst = AFTER_SUBJECT_FIRST.exec(after);
    const firstWord = (subjectFirst?.[1] ?? '').trim().split(/\s+/)[0] ?? '';
    if (subjectFirst && wordsIn(subjectFirst[1] ?? '') <= 25 && !NOT_A_SUBJECT_START.test(firstWord) && !/ing$/.test(firstWord)) {
      // “We’re done.” Smith said Monday. is an attribution; “We’re done.” Smith said the talks
      // had failed … starts a new statement.
      const rest = after.slice(subjectFirst[0].length);
      const closesSoon = /^[^.!?]{0,40}(?:[.!?,;:]|$)/.test(rest) && wordsIn(rest.split(/[.!?]/)[0] ?? '') <= 6;
      if (!endsSentence || closesSoon) return { phrase: subjectFirst[1] ?? '', verb: (subjectFirst[2] ?? '').toLowerCase(), side: 'after', position: quotation.close };
    }
    const according = /^according to\s+([^,.;:“”"]{1,80})/i.exec(after);
    if (according) return { phrase: according[1] ?? '', verb: 'according to', side: 'after', position: quotation.close };
  }
  // The sentence the quotation sits in, up to its opening mark.
  let before = paragraph.slice(Math.max(previousClose, 0), quotation.open);
  const sentenceStart = lastSentenceStart(before);
  before = before.slice(sentenceStart);
  const base = Math.max(previousClose, 0) + sentenceStart;
  // The last speech verb before the quotation whose subject is someone: in "Officials said the
  // deal was close, but Trump insisted: “…”" the speaker is Trump.
  const verbs = [...before.matchAll(BEFORE_VERB)];
  for (let index = verbs.length - 1; index >= 0; index -= 1) {
    const match = verbs[index];
    if (!match || match.index === undefined) continue;
    const tail = before.slice(match.index + match[0].length);
    if (tail.length > 160 || /[“”"]/.test(tail)) continue;
    const clause = lastClause(before.slice(0, match.index));
    if (clause.trim() === '') continue;
    // "Pompeo said Washington had concluded …": a subject right after another speech verb is
    // what the speaker said, not who is speaking.
    if (index > 0 && EMBEDDED.test(clause)) continue;
    const kind = subjectOf(clause).kind;
    if (kind === 'name' || kind === 'pronoun' || index === 0) return { phrase: clause, verb: (match[1] ?? '').toLowerCase(), side: 'before', position: base + match.index };
  }
  const according = ACCORDING_TO.exec(before);
  if (according) return { phrase: according[1] ?? '', verb: 'according to', side: 'before', position: base + according.index };
  return {};
}

function lastSentenceStart(text: string): number {
  let start = 0;
  const boundary = /[.!?]["”’']*\s+(?=["“‘]?[\p{Lu}\p{N}])/gu;
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const word = /(\S+)$/.exec(text.slice(0, match.index + 1))?.[1] ?? '';
    if (/^(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|U\.S|U\.K|[A-Z])\.$/.test(word)) continue;
    start = match.index + match[0].length;
  }
  return start;
}

/** Person and organisation mentions in the article, for resolving "he" and "the president". */
function collectMentions(paragraphs: string[], quotations: Quotation[]): Mention[] {
  const mentions: Mention[] = [];
  /** Last names of people already named in full: "Trump" after "Donald Trump". */
  const surnames = new Set<string>();
  let offset = 0;
  const quotedByParagraph = new Map<number, Quotation[]>();
  for (const quotation of quotations) {
    const list = quotedByParagraph.get(quotation.paragraph) ?? [];
    list.push(quotation);
    quotedByParagraph.set(quotation.paragraph, list);
  }
  for (const [paragraphIndex, paragraph] of paragraphs.entries()) {
    const quoted = quotedByParagraph.get(paragraphIndex) ?? [];
    const words = paragraph.split(/(\s+)/);
    let position = 0;
    const positions: number[] = [];
    for (const part of words) {
      if (part.trim() !== '') positions.push(position);
      position += part.length;
    }
    const raw = paragraph.split(/\s+/).filter(Boolean);
    for (const run of capitalisedRuns(paragraph)) {
      const name = stripTitles(run.text);
      if (!name) continue;
      const tokens = name.split(' ');
      // A lone capitalised word at a sentence start is usually not a name.
      const titled = hasTitle(run.text);
      // A lone capitalised word ("Britain", "NASA", "Bad") is a person only when the article has
      // already used it as part of a fuller name ("Donald Trump" → "Trump") or with a title.
      if (tokens.length === 1 && !titled && !surnames.has(name)) continue;
      if (/[’'](?:re|ll|ve|d|m|t)$/i.test(name)) continue;
      const local = positions[run.start] ?? 0;
      // Names inside quotations are what the speaker talks about, not who speaks.
      if (quoted.some((quotation) => local > quotation.open && local < quotation.close)) continue;
      const at = offset + local;
      const organisation = isOrganisationName(run.text);
      const previousWord = raw[run.start - 1] ?? '';
      const lastWord = raw[run.end - 1] ?? '';
      const nextWord = raw[run.end] ?? '';
      const clauseStart = run.start === 0 || /[.,;:!?”"]$/.test(previousWord) || /^(?:and|but|then|when|as|while|that|because|after|before|if|so|where)$/.test(previousWord);
      const subject =
        clauseStart && !/(?:'s|’s)$/.test(lastWord) && /^[\p{Ll}]/u.test(nextWord) && !/^(?:of|in|at|for|from|with|and|or|to|on|by|is|are|was|were)$/.test(nextWord);
      mentions.push({ name, at, spoke: false, subject, titled, organisation });
      if (tokens.length > 1 && !organisation) surnames.add(tokens[tokens.length - 1] ?? '');
    }
    offset += paragraph.length + 1;
  }
  return mentions;
}

function insertSorted(mentions: Mention[], mention: Mention): void {
  let low = 0;
  let high = mentions.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((mentions[middle]?.at ?? 0) <= mention.at) low = middle + 1;
    else high = middle;
  }
  mentions.splice(low, 0, mention);
}

/** The nearest person before `at` who spoke, had a title or stood as a clause's subject. */
function personBefore(mentions: Mention[], at: number, windowStart: number): string | undefined {
  for (let index = mentions.length - 1; index >= 0; index -= 1) {
    const mention = mentions[index];
    if (!mention || mention.at >= at) continue;
    if (mention.at < windowStart) break;
    if (mention.organisation || isOutlet(mention.name)) continue;
    if (mention.subject || mention.titled) return mention.name;
  }
  return undefined;
}

const ORGANISATION_ROLE = /^(?:company|firm|agency|department|ministry|group|organization|organisation|band|label|studio|network|campaign|team|club|league|retailer|bank|government|administration)$/;
const ROLE_ABBREVIATIONS: Record<string, string> = { senator: 'Sen\\.', governor: 'Gov\\.', representative: 'Rep\\.', doctor: 'Dr\\.', professor: 'Prof\\.', general: 'Gen\\.' };

type RoleResolver = (role: string, at: number) => string | undefined;

/**
 * Resolves a role to a name: "the president" → the nearest "President X" before it, or the
 * nearest "X, the … president"; "the company" → the nearest organisation, else the story's most
 * mentioned one-word name. Matches are computed once per role word and article.
 */
function createRoleResolver(paragraphs: string[], mentions: Mention[]): RoleResolver {
  const text = paragraphs.join('\n');
  const byWord = new Map<string, { at: number; name: string }[]>();
  let mostMentioned: string | null | undefined;

  const namesFor = (word: string): { at: number; name: string }[] => {
    const cached = byWord.get(word);
    if (cached) return cached;
    const found: { at: number; name: string }[] = [];
    // Case-insensitive on the role word only: names must stay capitalised, so no "i" flag.
    const anyCase = word.replace(/\p{L}/gu, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`);
    const title = ROLE_ABBREVIATIONS[word] ? `(?:${anyCase}|${ROLE_ABBREVIATIONS[word]})` : anyCase;
    const titled = new RegExp(`(?<![\\p{L}])${title}\\s+((?:[\\p{Lu}][\\p{L}\\p{M}'’.-]*\\s+){0,2}[\\p{Lu}][\\p{L}\\p{M}'’-]+)`, 'gu');
    for (const match of text.matchAll(titled)) {
      const name = stripTitles((match[1] ?? '').replace(/[’']s$/u, ''));
      if (name && !isSentenceWord(name)) found.push({ at: match.index ?? 0, name });
    }
    // "Tim Cook, Apple’s chief executive," — a name right before the role.
    const appositive = new RegExp(`((?:[\\p{Lu}][\\p{L}\\p{M}'’.-]*\\s+){0,2}[\\p{Lu}][\\p{L}\\p{M}'’-]+),\\s+(?:the|a|an|[\\p{Lu}][\\p{L}'’]*)\\s+(?:[\\p{L}’'-]+\\s+){0,3}${anyCase}(?![\\p{L}])`, 'gu');
    for (const match of text.matchAll(appositive)) {
      const name = stripTitles(match[1] ?? '');
      if (name && !isSentenceWord(name)) found.push({ at: match.index ?? 0, name });
    }
    found.sort((a, b) => a.at - b.at);
    byWord.set(word, found);
    return found;
  };

  const storyOrganisation = (): string | undefined => {
    if (mostMentioned !== undefined) return mostMentioned ?? undefined;
    // "A company spokesperson" in a story about one company: its most mentioned one-word name
    // that is not part of a person's name.
    const counts = new Map<string, number>();
    const personTokens = new Set(mentions.filter((mention) => mention.name.includes(' ') && !mention.organisation).flatMap((mention) => mention.name.split(' ')));
    for (const paragraph of paragraphs) {
      for (const run of capitalisedRuns(paragraph)) {
        if (run.text.includes(' ') || isSentenceWord(run.text) || isOutlet(run.text) || personTokens.has(run.text)) continue;
        counts.set(run.text, (counts.get(run.text) ?? 0) + 1);
      }
    }
    const [top, second] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    mostMentioned = top && top[1] >= 3 && (!second || top[1] > second[1]) ? top[0] : null;
    return mostMentioned ?? undefined;
  };

  return (role, at) => {
    const word = role.split(' ').pop() ?? role;
    let nearest: string | undefined;
    for (const candidate of namesFor(word)) {
      if (candidate.at >= at) break;
      nearest = candidate.name;
    }
    if (nearest) return nearest;
    if (!ORGANISATION_ROLE.test(word)) return undefined;
    for (let index = mentions.length - 1; index >= 0; index -= 1) {
      const mention = mentions[index];
      if (mention && mention.at < at && mention.organisation && !isOutlet(mention.name)) return mention.name;
    }
    return storyOrganisation();
  };
}

/** Attributes every quotation; see the module comment for the patterns. */
export function attributeQuotations(paragraphs: string[], quotations: Quotation[]): AttributedQuotation[] {
  if (quotations.length === 0) return [];
  const mentions = collectMentions(paragraphs, quotations);
  const roleBefore = createRoleResolver(paragraphs, mentions);
  const starts: number[] = [];
  let offset = 0;
  for (const paragraph of paragraphs) {
    starts.push(offset);
    offset += paragraph.length + 1;
  }
  let lastSpeaker: { name: string; at: number } | undefined;

  const results: AttributedQuotation[] = quotations.map((quotation, index) => {
    const paragraph = paragraphs[quotation.paragraph] ?? '';
    const next = quotations[index + 1];
    const previous = quotations[index - 1];
    const nextOpen = next && next.paragraph === quotation.paragraph ? next.open : paragraph.length;
    const previousClose = previous && previous.paragraph === quotation.paragraph ? previous.close : 0;
    const at = (starts[quotation.paragraph] ?? 0) + quotation.open;
    const cueText = paragraph.slice(Math.max(0, quotation.open - 40), quotation.open);
    const named = NAMING_CUE.test(cueText);

    const found = attributeDirectly(paragraph, quotation, nextOpen, previousClose);
    const resolved: Resolved = { passage: false, ...(found.verb ? { verb: found.verb } : {}) };
    if (found.phrase !== undefined) {
      const subject = subjectOf(found.phrase);
      if (subject.kind === 'name' && subject.name) {
        if (isOutlet(subject.name)) resolved.passage = true;
        else {
          resolved.speaker = subject.name;
          resolved.attribution = 'named';
        }
      } else if (subject.kind === 'pronoun') {
        if (/^(?:he|she|him|her)$/.test(subject.name ?? '')) {
          const windowStart = starts[Math.max(0, quotation.paragraph - 3)] ?? 0;
          const pronounAt = (starts[quotation.paragraph] ?? 0) + (found.position ?? quotation.open);
          const speaker = personBefore(mentions, Math.min(at, pronounAt), windowStart) ?? (lastSpeaker && lastSpeaker.at >= windowStart ? lastSpeaker.name : undefined);
          if (speaker) {
            resolved.speaker = speaker;
            resolved.attribution = 'pronoun';
          }
        }
      } else if (subject.kind === 'description') {
        if (subject.organisation && !isOutlet(subject.organisation)) {
          resolved.speaker = subject.organisation;
          resolved.attribution = 'role';
        } else if (subject.organisation && isOutlet(subject.organisation)) {
          resolved.passage = true;
        } else if (subject.role) {
          const speaker = roleBefore(subject.role, at);
          if (speaker) {
            resolved.speaker = speaker;
            resolved.attribution = 'role';
          }
        }
        if (/\b(?:reports?|reported|writes|wrote|adds|added)$/.test(found.verb ?? '') && /\b(?:newspaper|paper|outlet|magazine|site|website|network|agency|report|article|study)\b/i.test(found.phrase)) resolved.passage = true;
      }
    }
    if (resolved.speaker && resolved.attribution === 'named') {
      lastSpeaker = { name: resolved.speaker, at };
      // The named speaker is the person a following "he said" most likely means.
      insertSorted(mentions, { name: resolved.speaker, at: at + 1, spoke: true, subject: true, titled: false, organisation: isOrganisationName(resolved.speaker) });
    }
    return { ...quotation, ...resolved, named } as AttributedQuotation;
  });

  // Inherit within a paragraph: “A,” he said. “B.” — B has no attribution of its own.
  for (let index = 0; index < results.length; index += 1) {
    const quotation = results[index];
    if (!quotation || quotation.speaker || quotation.passage) continue;
    const previous = results[index - 1];
    const next = results[index + 1];
    if (previous && previous.paragraph === quotation.paragraph && previous.speaker && !previous.passage) {
      const between = (paragraphs[quotation.paragraph] ?? '').slice(previous.close, quotation.open);
      if (wordsIn(between) <= 14) {
        quotation.speaker = previous.speaker;
        quotation.attribution = 'inherited';
        continue;
      }
    }
    if (next && next.paragraph === quotation.paragraph && next.speaker && !next.passage) {
      const between = (paragraphs[quotation.paragraph] ?? '').slice(quotation.close, next.open);
      if (wordsIn(between) <= 3) {
        quotation.speaker = next.speaker;
        quotation.attribution = 'inherited';
      }
    }
  }

  // Continued quotations: an unclosed quotation runs into the next paragraph's opening quote.
  for (let pass = 0; pass < 2; pass += 1) {
    for (let index = 0; index + 1 < results.length; index += 1) {
      const current = results[index];
      const next = results[index + 1];
      if (!current || !next || current.closed || next.paragraph !== current.paragraph + 1 || next.open > 2) continue;
      if (current.speaker && !next.speaker && !next.passage) {
        next.speaker = current.speaker;
        next.attribution = 'inherited';
      } else if (next.speaker && !current.speaker && !current.passage) {
        current.speaker = next.speaker;
        current.attribution = 'inherited';
      }
      if (current.passage || next.passage) current.passage = next.passage = true;
    }
  }

  // A paragraph that is only a quotation, after a paragraph that introduces it ("Trump said:")
  // or quotes someone just before.
  for (let index = 0; index < results.length; index += 1) {
    const quotation = results[index];
    if (!quotation || quotation.speaker || quotation.passage) continue;
    const paragraph = paragraphs[quotation.paragraph] ?? '';
    if (quotation.text.length < paragraph.length * 0.8 || quotation.paragraph === 0) continue;
    const previousParagraph = paragraphs[quotation.paragraph - 1] ?? '';
    const leadIn = new RegExp(`([^.;!?“”"]{1,120}?)\\s+${FILLER}(${VERB})\\b[^.!?“”"]{0,80}:\\s*$`, 'u').exec(previousParagraph);
    if (leadIn) {
      const subject = subjectOf(leadIn[1] ?? '');
      if (subject.kind === 'name' && subject.name) {
        if (isOutlet(subject.name)) quotation.passage = true;
        else {
          quotation.speaker = subject.name;
          quotation.attribution = 'context';
        }
      }
      continue;
    }
    if (/:\s*$/.test(previousParagraph)) {
      // "From the Associated Press:" and other lead-ins to a passage.
      if (capitalisedRuns(previousParagraph).some((run) => isOutlet(stripTitles(run.text) ?? run.text) || isOutlet(run.text))) quotation.passage = true;
      continue;
    }
    const previous = results[index - 1];
    if (previous && previous.paragraph === quotation.paragraph - 1 && previous.speaker && !previous.passage) {
      quotation.speaker = previous.speaker;
      quotation.attribution = 'context';
    }
  }
  return results;
}
