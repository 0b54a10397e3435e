import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSafetensorsFolder, readSafetensor, readSafetensorsHeader } from '../../src-main/import/models/safetensors';
import { f32, writeSafetensors, type RawTensor } from './safetensors-fixtures';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'safetensors-'));
}

function u16(shape: number[], words: number[]): RawTensor {
  return { dtype: 'F16', shape, bytes: new Uint8Array(Uint16Array.from(words).buffer) };
}

describe('safetensors reader', () => {
  it('reads F32, F16, BF16 and F64 tensors as float32 and skips __metadata__', () => {
    const dir = folder();
    writeSafetensors(
      join(dir, 'model.safetensors'),
      {
        a: f32([2, 2], [1, -2, 0.25, 3e-8]),
        // 1, −2, 0.5, 65504 (largest half), 2⁻²⁴ (smallest subnormal), −∞
        h: u16([6], [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0xfc00]),
        // bfloat16 1 and −3.5 (the top halves of their float32 bits)
        b: { ...u16([2], [0x3f80, 0xc060]), dtype: 'BF16' },
        d: { dtype: 'F64', shape: [2], bytes: new Uint8Array(Float64Array.from([0.1, -1e40]).buffer) },
      },
      { metadata: { format: 'pt' } },
    );
    const ckpt = openSafetensorsFolder(dir);
    expect([...ckpt.entries.keys()]).toEqual(['a', 'h', 'b', 'd']);
    expect(Array.from(ckpt.read('a'))).toEqual(Array.from(Float32Array.from([1, -2, 0.25, 3e-8])));
    expect(Array.from(ckpt.read('h'))).toEqual([1, -2, 0.5, 65504, 2 ** -24, -Infinity]);
    expect(Array.from(ckpt.read('b'))).toEqual([1, -3.5]);
    // F64 is narrowed: 0.1 to its nearest float32, −1e40 beyond float32's range to −∞.
    expect(Array.from(ckpt.read('d'))).toEqual([Math.fround(0.1), -Infinity]);
  });

  it('reads a half-width tensor into its own place in a larger buffer (imports fill one buffer tensor by tensor)', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), {
      b: { ...u16([2], [0x3f80, 0xc060]), dtype: 'BF16' },
      h: u16([2], [0x3c00, 0xc000]),
    });
    const ckpt = openSafetensorsFolder(dir);
    const buffer = new Float32Array(8).fill(9);
    readSafetensor(ckpt.entries.get('b')!, buffer.subarray(2, 4));
    readSafetensor(ckpt.entries.get('h')!, buffer.subarray(5, 7));
    expect(Array.from(buffer)).toEqual([9, 9, 1, -3.5, 9, 1, -2, 9]);
  });

  it('takes an empty tensor at the start of another for what it is, not an overlap', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), { a: f32([2], [1, 2]), e: f32([0], []) }, { offsets: { e: [0, 0] } });
    expect(() => openSafetensorsFolder(dir)).not.toThrow();
  });

  it('reads the golden checkpoints (float32, with metadata)', () => {
    const ckpt = openSafetensorsFolder(join(__dirname, '..', 'fixtures', 'golden', 'hf', 'gpt2-tiny'));
    expect(ckpt.entries.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([16, 48]);
    expect(ckpt.read('transformer.wte.weight').length).toBe(97 * 16);
  });

  it('refuses a truncated file, naming the tensor that runs past the end', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), { a: f32([4], [1, 2, 3, 4]), b: f32([2], [5, 6]) }, { cut: 3 });
    expect(() => openSafetensorsFolder(dir)).toThrow(/model\.safetensors is truncated or damaged: tensor 'b' ends at byte 24 of a data section of 21 bytes/);
  });

  it('refuses a file shorter than its header', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), { a: f32([1], [1]) }, { cut: 10 });
    writeFileSync(join(dir, 'tiny.safetensors'), Buffer.from([1, 2, 3]));
    expect(() => openSafetensorsFolder(dir)).toThrow(/truncated or not a safetensors file: its header claims \d+ bytes/);
    expect(() => readSafetensorsHeader(join(dir, 'tiny.safetensors'))).toThrow(/tiny\.safetensors is truncated: 3 bytes/);
  });

  it('refuses overlapping tensors, offsets past the end and a shape that disagrees with the byte length', () => {
    const dir = folder();
    const path = join(dir, 'model.safetensors');
    writeSafetensors(path, { a: f32([2], [1, 2]), b: f32([2], [3, 4]) }, { offsets: { b: [4, 12] } });
    expect(() => readSafetensorsHeader(path)).toThrow(/the bytes of tensors 'a' and 'b' overlap/);
    writeSafetensors(path, { a: f32([2], [1, 2]) }, { offsets: { a: [8, 16] } });
    expect(() => readSafetensorsHeader(path)).toThrow(/tensor 'a' ends at byte 16 of a data section of 8 bytes/);
    writeSafetensors(path, { a: { ...f32([2], [1, 2]), shape: [3] } });
    expect(() => readSafetensorsHeader(path)).toThrow(/tensor 'a': shape \[3\] of F32 needs 12 bytes, its offsets span 8/);
    writeSafetensors(path, { a: f32([2], [1, 2]) }, { offsets: { a: [8, 0] } });
    expect(() => readSafetensorsHeader(path)).toThrow(/tensor 'a' has data_offsets \[8,0\], not \[begin, end\]/);
  });

  it('refuses an int8 (quantised) tensor, naming it and its dtype', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model.safetensors'), { 'h.0.q.weight': { dtype: 'I8', shape: [4], bytes: new Uint8Array([1, 2, 3, 4]) } });
    expect(() => openSafetensorsFolder(dir)).toThrow(
      /tensor 'h\.0\.q\.weight' is I8 \(integer or quantised\); RetainLab reads float tensors only \(F32, F16, BF16, F64\)/,
    );
  });

  it('reads a sharded checkpoint through its index and refuses an index that misplaces a tensor', () => {
    const dir = folder();
    writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), { a: f32([2], [1, 2]) });
    writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), { b: f32([1], [3]) });
    const index = { metadata: { total_size: 12 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    const ckpt = openSafetensorsFolder(dir);
    expect(Array.from(ckpt.read('b'))).toEqual([3]);
    expect(Array.from(ckpt.read('a'))).toEqual([1, 2]);
    index.weight_map.b = 'model-00001-of-00002.safetensors';
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expect(() => openSafetensorsFolder(dir)).toThrow(/puts tensor 'b' in model-00001-of-00002\.safetensors, which does not hold it/);
    index.weight_map.b = '../elsewhere.safetensors';
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expect(() => openSafetensorsFolder(dir)).toThrow(/not a shard file next to it/);
  });

  it('says the weights are missing when a folder has no safetensors file', () => {
    expect(() => openSafetensorsFolder(folder())).toThrow(/holds no model\.safetensors/);
  });
});
