/**
 * What a mapping reads: a record (a CSV row, or one XML document element) that answers the
 * values at a column name or path. Pure.
 */

/** One source record. `line`: the line of the file where it starts (a CSV header is line 1). */
export interface SourceRecord {
  line: number;
  /** Local name of the XML record element; "row" for CSV. */
  kind: string;
  /** The text values at a column (CSV) or path (XML), trimmed; empty ones left out. */
  values(path: string): string[];
  /** XML: the elements at a path, as records of their own (paths inside them are relative). */
  each(path: string): SourceRecord[];
  /** What the file held, for a reject: the row's text, or the element's outline. */
  content(): string;
}

export class CsvRecord implements SourceRecord {
  readonly kind = 'row';
  constructor(
    readonly fields: Record<string, string>,
    readonly line: number,
    private readonly raw: string,
  ) {}

  values(column: string): string[] {
    const v = this.fields[column]?.trim();
    return v ? [v] : [];
  }

  each(): SourceRecord[] {
    return [this];
  }

  content(): string {
    return this.raw.replace(/\r?\n$|\r$/, '');
  }
}

/** An XML element as the reader keeps it: qualified name, attributes, children, its own text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** A step matches a qualified name exactly when it has a prefix, else the local name in any namespace. */
function stepMatches(step: string, el: XmlElement): boolean {
  if (step === '*') return true;
  return step.includes(':') ? el.name === step : localName(el.name) === step;
}

function descendants(el: XmlElement, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    out.push(c);
    descendants(c, out);
  }
  return out;
}

/**
 * The elements (or attribute values) at a path: `A/B/C` steps down from the record, `//A/B`
 * finds A at any depth, `*` is any element, `@name` (last) an attribute.
 */
export function selectXml(root: XmlElement, path: string): { elements: XmlElement[]; attributes: string[] } {
  let current: XmlElement[] = [root];
  let rest = path.trim();
  let deep = false;
  if (rest.startsWith('//')) {
    deep = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('./')) rest = rest.slice(2);
  const steps = rest.split('/').filter((s) => s !== '' && s !== '.');
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.startsWith('@')) {
      const name = step.slice(1);
      const attributes = current.flatMap((el) =>
        Object.entries(el.attributes)
          .filter(([k]) => (name.includes(':') ? k === name : localName(k) === name))
          .map(([, v]) => v),
      );
      return { elements: [], attributes };
    }
    const pool = i === 0 && deep ? current.flatMap((el) => descendants(el)) : current.flatMap((el) => el.children);
    current = pool.filter((el) => stepMatches(step, el));
  }
  return { elements: current, attributes: [] };
}

/** The text of an element: its own text and its descendants', whitespace collapsed. */
export function textOf(el: XmlElement): string {
  const own = [el.text, ...el.children.map(textOf)].join(' ');
  return own.replace(/\s+/g, ' ').trim();
}

export class XmlRecord implements SourceRecord {
  constructor(readonly element: XmlElement) {}

  get kind(): string {
    return localName(this.element.name);
  }

  get line(): number {
    return this.element.line;
  }

  values(path: string): string[] {
    const { elements, attributes } = selectXml(this.element, path);
    return [...attributes.map((a) => a.trim()), ...elements.map(textOf)].filter((v) => v !== '');
  }

  each(path: string): SourceRecord[] {
    return selectXml(this.element, path).elements.map((el) => new XmlRecord(el));
  }

  content(): string {
    return outline(this.element, 0).slice(0, 20_000);
  }
}

/** An element's tree as indented `name: text` lines: what a reject shows of a document. */
function outline(el: XmlElement, depth: number): string {
  const text = el.text.replace(/\s+/g, ' ').trim();
  const attrs = Object.entries(el.attributes)
    .filter(([k]) => !k.startsWith('xmlns') && !k.startsWith('xsi:'))
    .map(([k, v]) => ` @${k}=${v}`)
    .join('');
  const head = `${'  '.repeat(depth)}${el.name}${attrs}${text ? `: ${text}` : ''}`;
  return [head, ...el.children.map((c) => outline(c, depth + 1))].join('\n');
}
