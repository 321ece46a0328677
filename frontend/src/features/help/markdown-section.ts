/**
 * The part of a Markdown document under the heading `title` (any level), up to the next
 * heading of the same or a higher level; fenced code is skipped when looking for headings.
 */
export function markdownSection(markdown: string, title: string): string | null {
  const lines = markdown.split('\n');
  let level = 0;
  let start = -1;
  let inFence = false;
  for (const [index, line] of lines.entries()) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6}) (.*)$/.exec(line);
    if (!heading) continue;
    const depth = heading[1]?.length ?? 0;
    if (start >= 0 && depth <= level) return lines.slice(start, index).join('\n').trim();
    if (start < 0 && heading[2]?.trim() === title) {
      level = depth;
      start = index;
    }
  }
  return start >= 0 ? lines.slice(start).join('\n').trim() : null;
}
