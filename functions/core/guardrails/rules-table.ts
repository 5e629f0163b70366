/** The README's rule table, generated from the catalogue so the documentation cannot drift from the code. */
import { ruleCatalogue } from './catalogue.ts';
import { knownDifferences } from './differences.ts';

const table = (): string[] => [
  '| rule | checks | severity | default mode | anchors |',
  '| --- | --- | --- | --- | --- |',
  ...ruleCatalogue.map(
    (rule) => `| ${rule.id} | ${rule.title} | ${rule.severity} | ${rule.defaultMode} | ${rule.anchors} |`,
  ),
];

/** Deliberate differences from the field's test suites, as the differential test asserts them. */
const notes = (): string[] => [
  '',
  'Notes: where Deckhand deliberately differs from a field test suite (asserted by the differential test).',
  '',
  ...knownDifferences.map(
    (d) =>
      `- **${d.rule}** vs ${d.tool} ${d.check}: they say ${d.theirs}, Deckhand says ${d.ours}: ${d.reason} (${d.cases.map((c) => `\`${c}\``).join(', ')}).`,
  ),
];

export const rulesTableMarkdown = (): string => [...table(), ...notes()].join('\n');
