/** The README's rule table, generated from the catalogue so the documentation cannot drift from the code. */
import { ruleCatalogue } from './catalogue.ts';

export const rulesTableMarkdown = (): string =>
  [
    '| rule | checks | severity | default mode | anchors |',
    '| --- | --- | --- | --- | --- |',
    ...ruleCatalogue.map(
      (rule) => `| ${rule.id} | ${rule.title} | ${rule.severity} | ${rule.defaultMode} | ${rule.anchors} |`,
    ),
  ].join('\n');
