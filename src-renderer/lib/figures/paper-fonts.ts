import notoGreek from '@fontsource/noto-sans/files/noto-sans-greek-400-normal.woff2?inline';
import notoLatinExt from '@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff2?inline';
import notoLatin from '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2?inline';
import notoCss from '@fontsource/noto-sans/400.css?raw';
import stixGreek from '@fontsource/stix-two-text/files/stix-two-text-greek-400-normal.woff2?inline';
import stixLatinExt from '@fontsource/stix-two-text/files/stix-two-text-latin-ext-400-normal.woff2?inline';
import stixLatin from '@fontsource/stix-two-text/files/stix-two-text-latin-400-normal.woff2?inline';
import stixCss from '@fontsource/stix-two-text/400.css?raw';
import { PAPER_FONTS, type PaperPreset } from '../../../src-shared/figure-options';

// The faces a paper figure is set in, inlined as data: URLs so every SVG carries its own font and a
// PNG or PDF made from it looks the same on any machine. Latin, Latin Extended and Greek cover the
// figures' text (θ, α, ±, ‖, −, ×, accented dataset names); each file holds the glyphs of its
// unicode-range, read from the package's own stylesheet.
const FACES: Record<PaperPreset['font'], { css: string; files: Record<string, string> }> = {
  serif: { css: stixCss, files: { latin: stixLatin, 'latin-ext': stixLatinExt, greek: stixGreek } },
  sans: { css: notoCss, files: { latin: notoLatin, 'latin-ext': notoLatinExt, greek: notoGreek } },
};

/** The unicode-range a subset's file covers, from the package stylesheet's rule that names the file. */
function unicodeRange(css: string, subset: string): string {
  const rule = css.split('@font-face').find((block) => new RegExp(`-${subset}-400-normal\\.woff2`).test(block));
  const range = rule && /unicode-range:\s*([^;]+);/.exec(rule)?.[1];
  if (!range) throw new Error(`the font package's stylesheet has no '${subset}' face`);
  return range.trim();
}

/** The @font-face rules of a paper font, its files inline: what an exported SVG embeds. */
export function paperFontFaces(font: PaperPreset['font']): string {
  const { css, files } = FACES[font];
  return Object.entries(files)
    .map(
      ([subset, url]) =>
        `@font-face{font-family:${PAPER_FONTS[font]};font-style:normal;font-weight:400;src:url(${url}) format('woff2');unicode-range:${unicodeRange(css, subset)}}`,
    )
    .join('');
}

const loaded = new Map<PaperPreset['font'], Promise<void>>();

/** Makes the paper font available to this page, so that Plotly measures and draws text with it; resolves once its files are ready. */
export function loadPaperFont(font: PaperPreset['font']): Promise<void> {
  let done = loaded.get(font);
  if (!done) {
    const style = document.createElement('style');
    style.textContent = paperFontFaces(font);
    document.head.append(style);
    // One character of each subset makes the browser load every file now, not at first use.
    done = document.fonts.load(`10px ${PAPER_FONTS[font]}`, 'Aāα').then(() => undefined);
    loaded.set(font, done);
  }
  return done;
}
