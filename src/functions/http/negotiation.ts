/**
 * Content negotiation for the routes a phone's browser opens (the status link): HTML when the
 * Accept header ranks text/html above application/json (RFC 9110 12.5.1 q-values), JSON otherwise,
 * so client apps and tools that send no Accept or `*\/*` keep getting JSON.
 */
export function prefersHtml(accept: string | null): boolean {
  if (accept === null) return false;
  const quality = (type: string): number => {
    let best = 0;
    let specificity = -1;
    for (const part of accept.split(',')) {
      const [range = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .map((p) => p.trim())
          .find((p) => p.startsWith('q='))
          ?.slice(2) ?? '1',
      );
      const [major] = type.split('/');
      const level = range === type ? 2 : range === `${major ?? ''}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (level > specificity && Number.isFinite(q)) {
        specificity = level;
        best = q;
      }
    }
    return specificity < 0 ? 0 : best;
  };
  const html = quality('text/html');
  return html > 0 && html > quality('application/json');
}
