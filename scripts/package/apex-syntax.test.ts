/** Every Apex class and trigger in the package parses with the Apex grammar; errors are collected, not thrown. */
import { readFileSync } from 'node:fs';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';
import { describe, expect, it } from 'vitest';
import { fromRoot, listFiles, packageDir } from './project.js';

class CollectingErrorListener extends ApexErrorListener {
  readonly errors: string[] = [];

  apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

export function syntaxErrors(source: string, kind: 'class' | 'trigger'): string[] {
  const listener = new CollectingErrorListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  if (kind === 'class') parser.compilationUnit();
  else parser.triggerUnit();
  return listener.errors;
}

const sources = listFiles(packageDir, ['.cls', '.trigger']);

describe('Apex syntax', () => {
  it('finds the package sources', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it('reports lexer and parser errors through its own listener', () => {
    expect(syntaxErrors("public class Broken { String s = '\\q'; void m( }", 'class').length).toBeGreaterThan(1);
    expect(syntaxErrors('trigger T on Contact (after insert) { new H().run() }', 'trigger')).not.toEqual([]);
  });

  it('parses every class and trigger without errors', () => {
    const failures = sources.flatMap((path) => {
      const errors = syntaxErrors(readFileSync(path, 'utf8'), path.endsWith('.trigger') ? 'trigger' : 'class');
      return errors.map((error) => `${fromRoot(path)}:${error}`);
    });
    expect(failures).toEqual([]);
  });
});
