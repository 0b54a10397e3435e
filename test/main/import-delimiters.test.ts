import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffDelimiter } from '../../src-main/import/delimiter';
import { importDatasetAt, previewDatasetAt } from '../../src-main/import/dataset-import';
import { loadStoredDataset } from '../../src-main/store-read/stored-datasets';
import { tempDataDir } from './helpers';
import { childImports } from './import-child';
import { tempStores } from './import-helpers';

const store = tempStores();
const importInChild = childImports();
const files = tempDataDir();
afterAll(files.remove);

function write(name: string, text: string): string {
  const path = join(files.dir, name);
  writeFileSync(path, text);
  return path;
}

/** A semicolon table as spreadsheets in much of Europe export it: BOM, CRLF, decimal commas in quoted fields. */
const EUROPEAN = '\uFEFFLänge;Breite;Art\r\n"5,1";"3,5";setosa\r\n"4,9";"3,0";setosa\r\n"7,0";"3,2";versicolor\r\n"6,4";"3,2";versicolor\r\n';
/** Commas and a semicolon on every line: read by commas unless the delimiter is chosen. */
const AMBIGUOUS = 'f1,f2;label\n1,2;a\n3,4;b\n5,6;a\n7,8;b\n';

describe('detecting the delimiter of a table', () => {
  it('imports a UTF-8 semicolon table with a BOM and decimal commas with the right columns and values, and says it read semicolons', async () => {
    const path = write('messungen.csv', EUROPEAN);
    const preview = await previewDatasetAt(path, {});
    expect(preview).toMatchObject({ format: 'csv', delimiter: ';', detectedBy: 'content: semicolon-separated text', n: 4, labelColumn: 'Art' });
    expect(preview.featureNames).toEqual(['Länge', 'Breite']);
    expect(preview.sampleRows[0]).toEqual(['5.1', '3.5', 'setosa']);
    const { db } = store();
    await importDatasetAt(db, path, {}, 'data-1');
    const data = loadStoredDataset(db, 'data-1');
    expect(Array.from(data.x.slice(0, 4))).toEqual([5.1, 3.5, 4.9, 3.0].map(Math.fround));
    expect(data.classNames).toEqual(['setosa', 'versicolor']);
  });

  it('reads semicolons without a BOM or quotes, pipes, and tabs in a .txt', async () => {
    const semicolon = await previewDatasetAt(write('plain.csv', 'a;b;label\n1,5;2;x\n2,5;3;y\n3;4,25;x\n'), {});
    expect(semicolon).toMatchObject({ delimiter: ';', featureNames: ['a', 'b'] });
    expect(semicolon.sampleRows[2]).toEqual(['3', '4.25', 'x']);
    const pipe = await previewDatasetAt(write('pipes.csv', 'a|b|label\n1|2|x\n3|4|y\n5|6|x\n'), {});
    expect(pipe).toMatchObject({ format: 'csv', delimiter: '|', detectedBy: 'content: pipe-separated text', featureNames: ['a', 'b'], n: 3 });
    const tab = await previewDatasetAt(write('tabs.txt', 'a\tb\tlabel\n1\t2\tx\n3\t4\ty\n'), {});
    expect(tab).toMatchObject({ format: 'tsv', delimiter: '\t', featureNames: ['a', 'b'] });
  });

  it('keeps commas where other candidates appear only inside quoted fields', async () => {
    const preview = await previewDatasetAt(write('texts.csv', 'text,label\n"good; very good | yes",pos\n"bad; awful | no",neg\n"fine; ok | fine",pos\n'), {});
    expect(preview).toMatchObject({ delimiter: ',', kind: 'text', textColumn: 'text', n: 3 });
  });

  it('lets a chosen delimiter override detection, in the preview and the import', async () => {
    const path = write('ambiguous.csv', AMBIGUOUS);
    expect((await previewDatasetAt(path, {})).columns).toEqual(['f1', 'f2;label']);
    const chosen = await previewDatasetAt(path, { delimiter: ';' });
    expect(chosen).toMatchObject({ delimiter: ';', detectedBy: 'semicolon-separated text (the delimiter chosen)', columns: ['f1,f2', 'label'] });
    expect(chosen.sampleRows[0]).toEqual(['1.2', 'a']);
    expect((await previewDatasetAt(path, { delimiter: 'auto' })).delimiter).toBe(',');
  });

  it('takes --delimiter on the command line (by name or character) and refuses one it does not know', () => {
    const path = write('ambiguous-cli.csv', AMBIGUOUS);
    const { dir } = store();
    const named = importInChild([path, '--delimiter', 'semicolon', '--data-dir', dir, '--json']);
    expect(named.status).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ featureNames: ['f1,f2'], n: 4 });
    const character = importInChild([path, '--delimiter', ';', '--name', 'again', '--data-dir', dir, '--json']);
    expect(JSON.parse(character.stdout)).toMatchObject({ name: 'again', featureNames: ['f1,f2'] });
    const unknown = importInChild([path, '--delimiter', ':', '--data-dir', dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch("--delimiter must be auto, comma (,), semicolon (;), tab or pipe (|), got ':'");
  });

  it('says which delimiter it tried when a table comes out as a single column', async () => {
    await expect(previewDatasetAt(write('one.csv', 'value\n1\n2\n'), {})).rejects.toThrow(
      'one.csv has a single column when read with comma as the delimiter: a dataset needs features (or a text) and a label column; if its fields are separated by another character, choose the delimiter (--delimiter)',
    );
  });

  it('sniffs the delimiter that splits every record alike, honouring quotes, and drops a record cut by the end of the sample', () => {
    expect(sniffDelimiter('a;b;c\n"1,5";"2,5";x\n', true)).toBe(';');
    expect(sniffDelimiter('a,b\n"x\ny",2\n"p;q",3\n', true)).toBe(',');
    // The last line is cut: its two semicolons must not count.
    expect(sniffDelimiter('a|b\n1|2\n3|4;5;6', false)).toBe('|');
    // Equally consistent: more fields win, then the extension's delimiter.
    expect(sniffDelimiter('a,b,c;d\n1,2,3;4\n', true)).toBe(',');
    expect(sniffDelimiter('a\tb,c\n1\t2,3\n', true, '\t')).toBe('\t');
    expect(sniffDelimiter('just one column\nand another line\n', true)).toBeNull();
  });
});
