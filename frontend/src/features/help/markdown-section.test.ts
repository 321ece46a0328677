import { describe, expect, it } from 'vitest';
import deployGuide from '../../../../docs/deploy.md?raw';
import { markdownSection } from './markdown-section.ts';

const doc = [
  '# Guide',
  '## Production',
  '### Connectivity',
  'Open the ports.',
  '```sh',
  '# a comment, not a heading',
  '```',
  '#### Detail',
  'more',
  '### Next',
  'after',
].join('\n');

describe('markdownSection', () => {
  it('takes a section with its subsections, up to the next heading of its level', () => {
    const section = markdownSection(doc, 'Connectivity');
    expect(section).toContain('Open the ports.');
    expect(section).toContain('# a comment, not a heading');
    expect(section).toContain('#### Detail');
    expect(section).not.toContain('after');
  });

  it('runs to the end for the last section, and is null for a missing one', () => {
    expect(markdownSection(doc, 'Next')).toBe('### Next\nafter');
    expect(markdownSection(doc, 'Missing')).toBeNull();
  });

  it("finds the deploy guide's connectivity section the page links to", () => {
    const section = markdownSection(deployGuide, 'Connectivity');
    expect(section).toMatch(/^### Connectivity/);
    expect(section).toContain('UDP');
  });
});
