import { describe, expect, it } from 'vitest';
import { htmlToPage } from './html-to-text.js';

const ARTICLE = `<!DOCTYPE html><html><head><title>Lumen  themes</title><script>var x = "<p>not text</p>";</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/blog">Blog</a></nav>
<article>
<h1>Choosing a theme</h1>
<p>Lumen ships three themes. Set the <code>theme</code> key in <a href="/docs/configuration">the configuration file</a>,
or read what <a href="https://colors.example/guide">colour experts</a> recommend. This paragraph is long enough, with
commas, clauses, and details, for Readability to treat the page as an article worth extracting, which it is.</p>
<ul><li>light, the default</li><li>dark<ul><li>with high contrast</li></ul></li><li>sepia</li></ul>
<p>Another paragraph of real content follows, again with enough words, commas, and sentences to look like prose to the
content scoring heuristics; H<sub>2</sub>O and x<sup>2</sup> are written inline.</p>
<pre>lumen build --clean
lumen serve</pre>
<table><tr><th>Theme</th><th>Contrast</th></tr><tr><td>dark</td><td>high</td></tr></table>
<blockquote>Themes are <br>just CSS.</blockquote>
<p><img src="shot.png" alt="Screenshot"> <a href="mailto:team@lumen.example">Write to us</a>, jump to <a href="#top">the top</a>,
or reread <a href="/docs/configuration">the configuration</a>. Brackets 【like these】 are escaped.</p>
</article>
<footer>© Lumen</footer>
</body></html>`;

describe('htmlToPage', () => {
  it('keeps the main content as Markdown-like text with reference-style link markers', () => {
    const page = htmlToPage(ARTICLE, { url: 'https://lumen.example/docs/themes' });
    expect(page.title).toBe('Lumen themes');
    expect(page.links).toEqual(['https://lumen.example/docs/configuration', 'https://colors.example/guide']);
    expect(page.text).toMatchInlineSnapshot(`
      "## Choosing a theme

      Lumen ships three themes. Set the \`theme\` key in 【0†the configuration file】, or read what 【1†colour experts†colors.example】 recommend. This paragraph is long enough, with commas, clauses, and details, for Readability to treat the page as an article worth extracting, which it is.

        * light, the default
        * dark
          * with high contrast
        * sepia

      Another paragraph of real content follows, again with enough words, commas, and sentences to look like prose to the content scoring heuristics; H_{2}O and x^{2} are written inline.

          lumen build --clean
          lumen serve

      Theme | Contrast
      dark | high

      > Themes are
      > just CSS.

      [Image 0: Screenshot] Write to us, jump to the top, or reread 【0†the configuration】. Brackets 〖like these〗 are escaped."
    `);
  });

  it('keeps the whole body without Readability (navigation, headings, footer)', () => {
    const page = htmlToPage(ARTICLE, { url: 'https://lumen.example/docs/themes', readability: false });
    const lines = page.text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['【0†Home】 | 【1†Blog】', '', '# Choosing a theme']);
    expect(lines.at(-1)).toBe('© Lumen');
    expect(page.text).not.toContain('not text');
  });

  it('handles fragments, missing titles, numbered lists and unresolvable links', () => {
    const page = htmlToPage(
      '<ol start="3"><li>three <a href="http://[bad">broken</a></li><li><p>four</p></li></ol><p>tail <a href="other.html">other</a></p>',
      { url: 'docs://local/guide/index.html' },
    );
    expect(page.title).toBe('local');
    expect(page.text).toBe('  3. three broken\n  4. four\n\ntail 【0†other】');
    expect(page.links).toEqual(['docs://local/guide/other.html']);
  });

  it('prefers an explicit title and survives malformed HTML', () => {
    const page = htmlToPage('<p>unclosed <b>bold <i>both</p></div></span>text', {
      url: 'https://x.example/',
      title: 'Given',
    });
    expect(page.title).toBe('Given');
    expect(page.text).toBe('unclosed bold both\n\ntext');
  });
});
