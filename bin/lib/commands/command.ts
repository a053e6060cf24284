import type { ParseArgsConfig } from 'node:util';

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import type { CliIo } from '../io';
import type { Target } from '../target';

export type ParsedValues = Record<string, string | boolean | undefined>;

/** One CLI command: its options, a parser that rejects bad input before any table is opened, and its action. */
export interface Command<Input> {
  readonly name: string;
  readonly summary: string;
  /** Usage lines shown by `edgeprint <command> --help`. */
  readonly help: string;
  readonly options: ParseArgsOptionsConfig;
  readonly positionals: boolean;
  parse(values: ParsedValues, positionals: readonly string[]): Input;
  run(target: Target, input: Input, io: CliIo): Promise<void>;
}

/** A string option's value, or undefined; empty strings are refused by the caller's checks. */
export function stringValue(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
