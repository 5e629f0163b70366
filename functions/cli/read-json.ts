import { readFileSync } from 'node:fs';

export class InputError extends Error {
  override name = 'InputError';
}

/** Reads a JSON file; a syntax error names the file, line and column. */
export const readJsonFile = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
      throw new InputError(`${file}:${where}: invalid JSON: ${message}`, { cause: error });
    }
    throw new InputError(`${file}: invalid JSON: ${message}`, { cause: error });
  }
};
