import { describe, expect, it } from 'vitest';

import { isCaptionText, isCreditLine, isFurnitureText } from '../../src/text/is-furniture-text.js';

describe('isFurnitureText', () => {
  it('recognises furniture lines', () => {
    for (const line of [
      '— Advertisement —',
      'ADVERTISEMENT',
      '- Advertisement -',
      'Story continues below advertisement',
      'Share this:',
      'Share on Facebook',
      'Tweet',
      'Click to share on Twitter (Opens in new window)',
      'Like this: Like Loading...',
      'Follow us on Twitter @example',
      'Please enter your comment!',
      'Please enter your name here',
      'You have entered an incorrect email address!',
      'Leave a Reply',
      '12 Comments',
      'Sign up for our newsletter to get the latest updates',
      'Subscribe now',
      'Read more: The harbour in winter',
      'Related Articles',
      'RELATED: Storm damage in March',
      'Recommended for you',
      'We use cookies to improve your experience on our site.',
      'Photo: Getty Images',
      '(Photo by Jane Doe/Reuters)',
      'Jane Doe/Getty Images',
      'The post Budget approved appeared first on Example News.',
      'Tags: harbour, council',
      '© 2024 Coast Gazette. All rights reserved.',
      '———',
      'PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019',
      'Published 4:00 am CST, Wednesday, November 20, 2019',
      'Image 1 of 9',
      'Caption',
      'SEE MORE: Hong Kong protests: 800 students under siege in university',
      "DON'T MISS Plague warning: CDC names eight deadly diseases",
      'paul.takahashi@chron.com',
      'twitter.com/paultakahashi',
    ]) {
      expect(isFurnitureText(line), line).toBe(true);
    }
  });

  it('leaves article sentences alone, even ones that mention the same words', () => {
    for (const line of [
      'Advertisement revenue fell 12 percent in the quarter.',
      'The newsletter, founded in 2010, now has 40,000 readers.',
      'Readers can leave a reply on the forum, the editor said.',
      'Photographers from Getty Images were at the scene all day.',
      'Share prices rose 3 percent on Tuesday.',
      'Follow the money, investigators said.',
      'Related charges were filed against two other men.',
      'President Trump showed Thursday that sometimes getting a deal just right takes time.',
      'Published in 2019, the study found the harbour wall had been weak for decades.',
      'Don’t miss the chance to see the comet this weekend, astronomers say.',
    ]) {
      expect(isFurnitureText(line), line).toBe(false);
    }
  });

  it('recognises photo captions by the credit they end with', () => {
    expect(isCaptionText('Protesters have worn masks to protect their identities (Image: GETTY )')).toBe(true);
    expect(isCaptionText('A long row of unsold vehicles sits at a dealership in Littleton, Colo. (AP Photo/David Zalubowski)')).toBe(true);
    expect(isCaptionText('The harbour at dawn (Photo by Jane Doe/Reuters)')).toBe(true);
    expect(isCaptionText('The agency (AP) said on Monday that the harbour would reopen.')).toBe(false);
    expect(isCaptionText('Prices rose (see chart) in every region.')).toBe(false);
  });

  it('recognises captions that place people in the picture', () => {
    expect(isCaptionText('US professor Kevin King (left) and his Australian colleague Timothy Weeks')).toBe(true);
    expect(isCaptionText('Jane Doe (second from right) at the harbour on Monday.')).toBe(true);
    expect(isCaptionText('The ministers (L-R) Smith, Jones and Brown')).toBe(true);
    expect(isCaptionText('Sen. John Smith (R) said the bill would pass.')).toBe(false);
    expect(isCaptionText('The party, Die Linke (Left), won four seats.')).toBe(false);
  });

  it('recognises captions by their opening, and bare credit lines', () => {
    expect(isCaptionText("An artist's illustration of a plume of water vapor emanating from Jupiter's moon Europa.")).toBe(true);
    expect(isCaptionText('In this Sunday, Nov. 10, 2019, photograph, a long row of unsold vehicles sits at a dealership.')).toBe(true);
    expect(isCaptionText('This undated photo shows the harbour wall before the storm.')).toBe(true);
    expect(isCaptionText('In this case, the court ruled against the company.')).toBe(false);
    expect(isCreditLine('Natalie Naccache | Bloomberg | Getty Images')).toBe(true);
    expect(isCreditLine('Jane Doe/AP')).toBe(true);
    expect(isCreditLine('Bloomberg reported the deal on Monday, citing people familiar with it.')).toBe(false);
  });
});
