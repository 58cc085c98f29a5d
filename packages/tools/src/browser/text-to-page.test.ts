import { describe, expect, it } from 'vitest';
import { markdownToPage, textToPage } from './text-to-page.js';

describe('markdownToPage', () => {
  it('turns links into markers, images into placeholders, and takes the first heading as title', () => {
    const page = markdownToPage(
      [
        'Intro line',
        '# Getting started',
        'See [configuration](configuration.md), [the site](https://example.org/lumen "Home"),',
        '[again](./configuration.md), [a section](#install), [mail](mailto:a@b.c) and ![logo](logo.png).',
        'Brackets 【x】 are escaped.',
      ].join('\r\n'),
      { url: 'docs://local/guide/start.md' },
    );
    expect(page.title).toBe('Getting started');
    expect(page.links).toEqual(['docs://local/guide/configuration.md', 'https://example.org/lumen']);
    expect(page.text).toBe(
      [
        'Intro line',
        '# Getting started',
        'See 【0†configuration】, 【1†the site†example.org】,',
        '【0†again】, a section, [mail](mailto:a@b.c) and [Image 0: logo].',
        'Brackets 〖x〗 are escaped.',
      ].join('\n'),
    );
  });

  it('falls back to the file name as title', () => {
    expect(markdownToPage('no heading', { url: 'docs://local/notes/a%20b.md' }).title).toBe('a b.md');
  });
});

describe('textToPage', () => {
  it('keeps text as is, without links', () => {
    expect(textToPage('a 【b】\r\nc', { url: 'https://x.example/dir/file.txt' })).toEqual({
      url: 'https://x.example/dir/file.txt',
      title: 'file.txt',
      text: 'a 〖b〗\nc',
      links: [],
    });
  });
});
