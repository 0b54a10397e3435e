/** Which BLAS a process uses, from the libraries it has mapped (the runtime's truth) and the build's own BLAS_INFO. */
export type BlasKind = 'generic' | 'openblas' | 'mkl' | 'blis' | 'atlas' | 'unknown';

const BY_FILE: [RegExp, BlasKind][] = [
  [/openblas/i, 'openblas'],
  [/mkl/i, 'mkl'],
  [/blis/i, 'blis'],
  [/atlas/i, 'atlas'],
  // Debian's reference BLAS (libblas3) is /usr/lib/<arch>/blas/libblas.so.3; the alternatives can point elsewhere.
  [/\/blas\/libblas\.so/, 'generic'],
];

const TEXT: Record<BlasKind, string> = {
  generic: 'generic reference BLAS (no OpenBLAS/MKL: a PyTorch from pip, with MKL, is usually much faster)',
  openblas: 'OpenBLAS',
  mkl: 'MKL',
  blis: 'BLIS',
  atlas: 'ATLAS',
  unknown: 'unknown BLAS',
};

/**
 * Classifies a BLAS: a mapped library file decides (Debian's build says BLAS_INFO=generic but links
 * libblas.so.3, which the alternatives system may resolve to OpenBLAS); without one, the build info.
 */
export function describeBlas(buildInfo: string | null, loaded: string[]): { kind: BlasKind; text: string } {
  for (const [pattern, kind] of BY_FILE)
    if (loaded.some((path) => pattern.test(path))) return { kind, text: `${TEXT[kind]}, ${loaded.map((p) => p.split('/').at(-1)).join(' + ')}` };
  const info = (buildInfo ?? '').toLowerCase();
  const kind: BlasKind = info === 'generic' ? 'generic' : (BY_FILE.find(([p]) => p.test(info))?.[1] ?? 'unknown');
  return { kind, text: `${TEXT[kind]}${buildInfo ? ` (build: BLAS_INFO=${buildInfo})` : ''}` };
}
