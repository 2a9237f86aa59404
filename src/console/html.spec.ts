import { html, trustedHtml } from './html';

describe('html tagged template', () => {
  it('escapes every interpolated string, including quotes that would end an attribute', () => {
    const name = `"><script>alert('x')</script>&`;
    expect(html`<a title="${name}">${name}</a>`.value).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('keeps nested html and arrays of it, and drops null, undefined and false', () => {
    const rows = ['<a>', 'b'].map((v) => html`<li>${v}</li>`);
    // prettier-ignore
    const page = html`<ul>${rows}</ul>${null}${undefined}${false}${0}`;
    expect(page.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>0');
    expect(html`${trustedHtml('<b>ok</b>')}`.value).toBe('<b>ok</b>');
  });

  it('refuses to interpolate a plain object rather than print it', () => {
    expect(() => html`${{ secret: 'x' }}`).toThrow(TypeError);
  });
});
