/**
 * CloudFormation YAML: the short forms (`!Ref`, `!Sub`, `!GetAtt`, …) read as the intrinsic functions they
 * stand for, under the YAML 1.2 core schema, so `User: 1000:0` stays the string it is (YAML 1.1 would read
 * it as the sexagesimal number 60000, and `yes`/`no` as booleans), even under a `%YAML 1.1` directive.
 */
import { isMap, isSeq, parseDocument, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

/** Short form → long form. `!Condition` is the only one whose long form is not `Fn::…`. */
const shortForms: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Cidr: 'Fn::Cidr',
  Transform: 'Fn::Transform',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
};

/** `!GetAtt Resource.Attribute` is the short form of `Fn::GetAtt: [Resource, Attribute]`. */
const scalarArgument = (name: string, text: string): unknown => {
  if (name !== 'GetAtt') return text;
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
};

export const cloudFormationTags: Tags = Object.entries(shortForms).flatMap(([name, long]) => {
  const tag = `!${name}`;
  const scalar: ScalarTag = {
    tag,
    resolve: (text: string) => ({ [long]: scalarArgument(name, text) }),
  };
  const collection = (kind: 'seq' | 'map'): CollectionTag => ({
    tag,
    collection: kind,
    // The node's plain JS value; nested tags have resolved already.
    resolve: (node) => {
      if (isSeq(node) || isMap(node)) return { [long]: node.toJSON() as unknown };
      return node;
    },
  });
  return [scalar, collection('seq'), collection('map')];
});

export class TemplateYamlError extends Error {
  override name = 'TemplateYamlError';
}

/** Parses YAML with the CloudFormation tags; the first error is thrown with its line and column. */
export const parseCloudFormationYaml = (text: string): unknown => {
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: cloudFormationTags,
    prettyErrors: true,
    uniqueKeys: false,
  });
  const [error] = document.errors;
  if (error) throw new TemplateYamlError(error.message, { cause: error });
  return document.toJS({ maxAliasCount: 1000 }) as unknown;
};
