/**
 * Line-level recognisers for page furniture: the text that pages and feeds carry around an
 * article (ads, share widgets, comment forms, newsletter prompts, "Related" lists, cookie
 * notices, image credits). Used on plain-text input line by line and on HTML blocks whose whole
 * text is one of these. A pattern only ever matches a whole (short) line, never a sentence that
 * merely mentions, say, advertising.
 */

/**
 * Whole-line patterns, tested against the trimmed line with surrounding dashes/bullets removed.
 * Exported (with CAPTION_CREDIT) for the rule audit of `npm run eval -- --rules`, which
 * switches them off one at a time; nothing else may change them.
 */
export const WHOLE_LINE: RegExp[] = [
  // Ads.
  /^(?:advertisement|advertisment|advertising|ad|ads|sponsored(?: content| post| links?)?|paid (?:content|post)|promoted(?: content| stories)?)$/i,
  /^(?:story|article|content) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?$/i,
  /^(?:continue reading|scroll (?:down )?to continue(?: reading| with content)?)(?: (?:below|the main story))?(?: (?:the )?(?:advertisement|ad))?[.…]*$/i,
  /^skip (?:advertisement|ad)$/i,
  // Share and follow widgets.
  /^(?:share|share this|share this (?:article|story|post|page)|share on|share via|share article|share story|sharing is caring|like this|related|print|email|e-mail|tweet|pin it|pin|whatsapp|facebook|twitter|linkedin|reddit|telegram|copy link|link copied|save|bookmark|comments?)[:.!]?$/i,
  /^(?:share|post|tweet|pin) (?:on|to|via|with) (?:facebook|twitter|x|linkedin|reddit|pinterest|whatsapp|email|tumblr|telegram|flipboard|messenger)\b.{0,40}$/i,
  /^click to (?:share|email|print|tweet)\b.{0,60}$/i,
  /^(?:like|liked by) .{0,30}(?:loading|bloggers? like this)\.*$/i,
  /^like loading\.*$/i,
  /^(?:be the first to like this|\d+ (?:people|bloggers?) like this)\.?$/i,
  /^follow (?:us|me|@\S+|[\w .]{1,30}) on (?:facebook|twitter|x|instagram|linkedin|google news|flipboard|tiktok|youtube|threads)\b.{0,60}$/i,
  /^follow (?:us|me)(?: on social media)?[.!:]?$/i,
  // Comment forms and comment counts.
  /^please enter your (?:comment|name|name here|email(?: address)?(?: here)?|website)[.!]?$/i,
  /^you have entered an incorrect email address[.!]?$/i,
  /^(?:leave a (?:reply|comment|response)|post a comment|add a comment|write a comment|cancel reply|leave a reply cancel reply|submit comment|post comment|join the (?:conversation|discussion)|comments? (?:are )?closed\.?|view comments|show comments|load comments|no comments(?: yet)?|be the first to comment)[.!]?$/i,
  /^\d+\s+(?:comments?|responses?|replies)$/i,
  /^(?:comments?|responses?|replies)\s*\(\d+\)$/i,
  /^save my name,? email,? and website in this browser for the next time i comment\.?$/i,
  /^your email address will not be published\..{0,80}$/i,
  /^required fields are marked\b.{0,10}$/i,
  /^(?:name|email|website|comment)\s*\*?$/i,
  /^notify me of (?:follow-up comments|new posts)\b.{0,40}$/i,
  /^this site uses akismet to reduce spam\..{0,80}$/i,
  // Newsletter and subscription prompts.
  /^(?:sign up|subscribe|register|join)\b.{0,100}\b(?:newsletter|inbox|email|e-mail|updates|briefing|digest|alerts)\b.{0,60}$/i,
  /^(?:get|receive) (?:our|the) .{0,60}\b(?:newsletter|in your inbox|delivered to your inbox|straight to your inbox)\b.{0,40}$/i,
  /^(?:subscribe|subscribe now|sign up|sign up now|sign in|log in|register|become a (?:member|subscriber))(?: (?:for|to) .{0,60})?[.!]?$/i,
  /^(?:already a subscriber|thanks for (?:signing up|subscribing))\b.{0,80}$/i,
  /^(?=.*\bnewsletters?\b)(?=.*\b(?:sign up|signup|subscribe|inbox|e-?mail address|enter your)\b).{0,160}$/i,
  // Read-more and related lists.
  /^(?:read more|read next|read also|also read|see also|more|more from .{1,40}|more on this story|more stories|more news|related|related (?:posts?|articles?|stories|coverage|content|news|reading|topics|links)|recommended(?: for you| reading| stories| articles)?|you (?:may|might) also (?:like|enjoy|be interested in)|what to read next|trending(?: now| stories)?|most (?:read|popular|viewed)|popular (?:posts|stories)|top stories|latest (?:news|stories|posts)|don'?t miss|editor'?s picks|further reading|in case you missed it)[.:…]*$/i,
  /^(?:read more|read next|read also|also read|see also|see more|watch more|more|related|recommended|watch|listen|related coverage|related article|related story|related link|don'?t miss)\s*[:|»>–—-]\s*.{1,160}$/i,
  /^(?:DON'T MISS|DON’T MISS|SEE MORE|READ MORE|WATCH MORE|MORE ON THIS|RELATED)\b.{0,300}$/,
  /^(?:click here|tap here) (?:to|for) .{1,80}$/i,
  /^continue reading(?: →| ›| »|\.{3}|…)?$/i,
  /^(?:\[(?:…|\.\.\.)\]|\(more…?\)|read the (?:full|rest of the) (?:article|story|post).{0,40})$/i,
  /^the post .{1,200} appeared first on .{1,100}$/i,
  /^(?:this (?:article|story|post) (?:was )?(?:originally )?(?:appeared|published|posted) (?:first )?(?:on|in) .{1,80})$/i,
  // Cookie and consent notices.
  /^.{0,80}\b(?:we use cookies|this (?:site|website) uses cookies|use of cookies|cookie (?:policy|settings|preferences|consent))\b.{0,200}$/i,
  /^(?:accept(?: all)?(?: cookies)?|reject all|manage (?:cookies|preferences|consent)|got it|i agree|ok, i agree)[.!]?$/i,
  // Standalone image credits.
  /^(?:photo|photos|photograph|image|images|picture|pictures|illustration|graphic|video|credit|credits|photo credit|image credit|image source|source|courtesy|file photo|screenshot)\s*(?:by|credit|courtesy(?: of)?)?\s*[:|/]\s*.{1,100}$/i,
  /^\(?(?:photo|image|picture|illustration|video|screenshot|file photo)s? (?:by|courtesy of|credit|via|from)\b.{1,100}\)?$/i,
  /^\(?(?:getty images|ap photo|reuters|afp|shutterstock|istock(?:photo)?|alamy|epa)(?:\s*\/.{0,60})?\)?$/i,
  /^\(?[^.!?]{0,80}\/\s*(?:getty images|getty|ap|ap photo|reuters|afp|shutterstock|istock(?:photo)?|alamy|epa(?:-efe)?|bloomberg|zuma press|sipa)\)?$/i,
  // Publication timestamps on a line of their own.
  /^(?:published|updated|posted|last updated|last modified|first published)(?:\s+(?:on|at))?[\s:]+(?:\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)(?=.*\b(?:19|20)\d{2}\b).{0,120}$/i,
  // Gallery and widget controls.
  /^(?:image|photo|picture|slide)\s+\d+\s*(?:of|\/)?\s*\d+$/i,
  /^(?:caption|close|open|expand|enlarge|hide caption|toggle caption|next|previous|prev|back to top|skip to (?:main )?content|view gallery|view slideshow|launch gallery|play video|watch video)$/i,
  // Contact lines: a bare e-mail address or social profile.
  /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/,
  /^(?:https?:\/\/)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok)\.com\/[\w./-]+$/i,
  // Tags, categories, copyright.
  /^(?:tags?|tagged(?: with)?|topics?|filed under|categories|category|posted in)\s*:.{0,200}$/i,
  /^(?:©|\(c\)|copyright)\s*(?:©\s*)?\d{4}.{0,120}$/i,
  /^all rights reserved\.?$/i,
];

/**
 * Photo captions, recognised by the credit they end with: "… (Image: GETTY)", "… (AP Photo/Evan
 * Vucci)", "… Photo: Jane Doe/Reuters". Longer than furniture lines, but never article text.
 */
export const CAPTION_CREDIT: RegExp[] = [
  /\((?:image|images|photo|photos|picture|pic|pics|credit|illustration|video|graphic|source)s?\s*(?:by|:|credit:?)\s*[^()]{1,80}\)\.?$/i,
  /\((?:AP|Reuters|AFP|EPA|Getty Images|Bloomberg|Xinhua|UPI|dpa)(?:\s*(?:Photo|Images|Pool|File))*\s*\/\s*[^()]{1,80}\)\.?$/,
  /\((?:Photo|Image|Picture)\s+(?:by|courtesy of|credit:?)\s+[^()]{1,80}\)\.?$/i,
];

/** Openings only picture captions use: "An artist's illustration of …", "In this Nov. 10 photo, …". */
const CAPTION_OPENING =
  /^(?:an?\s+(?:artist['’]s\s+)?(?:illustration|rendering|render|impression|conception|photo|photograph|image|file photo|screenshot|still|aerial view)\s+(?:of|shows|showing)\b|in this\s+[^!?]{0,50}?\b(?:photo|photograph|image|picture|frame grab|video grab|screenshot)\b|(?:this|the above|the|a)\s+(?:undated\s+|handout\s+|file\s+)*(?:photo|image|picture|photograph)\s+(?:shows|released|provided|taken)\b|pictured(?:\s+(?:above|here|left|right|below))?\s*[:,])/i;
/** A photo credit on its own line: "Natalie Naccache | Bloomberg | Getty Images". */
const CREDIT_LINE = /^[^.!?]{0,80}(?:\||\/|·|via)\s*(?:getty images|getty|bloomberg|reuters|afp|ap photo|ap|shutterstock|epa(?:-efe)?|corbis|alamy|istock(?:photo)?|zuma(?: press)?|sipa(?: usa)?|nurphoto|anadolu(?: agency)?|xinhua|pool)\b[^.!?]{0,40}$/i;

/**
 * Where someone stands in the picture: "Kevin King (left) and Timothy Weeks". Lower case only,
 * and no single letters: "(R)" and "(Left)" are a party and a translation in prose.
 */
const CAPTION_POSITION = /\((?:left|right|centre|center|far left|far right|from left|from right|second (?:from )?(?:left|right)|l-r|L-R|left to right)\)/;

/** True when the paragraph is a photo caption: it ends in its credit, opens like one, or places people in the picture. */
export function isCaptionText(paragraph: string): boolean {
  const text = paragraph.trim();
  if (text.length > 500) return false;
  if (CAPTION_CREDIT.some((pattern) => pattern.test(text))) return true;
  return text.length <= 300 && (CAPTION_OPENING.test(text) || CAPTION_POSITION.test(text));
}

/** True when the line is only a photo credit ("Jane Doe | Bloomberg | Getty Images"). */
export function isCreditLine(line: string): boolean {
  const text = line.trim();
  return text.length <= 140 && CREDIT_LINE.test(text);
}

/** Dashes, bullets and arrows that decorate furniture lines ("— Advertisement —"). */
const DECORATION = /^[\s\-–—•·|*_=~>»«<]+|[\s\-–—•·|*_=~<»«>]+$/g;

/**
 * True when the whole line is page furniture rather than article text. Lines longer than a
 * short paragraph are never furniture: a real sentence that mentions a newsletter stays.
 */
export function isFurnitureText(line: string): boolean {
  const text = line.replace(DECORATION, '').trim();
  if (text === '') return /[-–—•*_=]/.test(line);
  if (text.length > 300) return false;
  return WHOLE_LINE.some((pattern) => pattern.test(text));
}
