import PDFDocument from 'pdfkit';
import { registerPdfFonts, writeText, type PdfStyle } from './pdf-fonts.js';

/** Seconds as hours to one decimal, "2.5 h" ("none" for no figure): how the PDFs write time. */
export const hoursText = (seconds: number | null): string => (seconds === null ? 'none' : `${(seconds / 3600).toFixed(1)} h`);

/** One row of a bar chart: its label, one value per series, and the figures printed beside it. */
export interface BarRow {
  label: string;
  values: number[];
  text: string;
}

/** A column of a table: its header and its share of the page's width (the shares add up to 1). */
export interface Column {
  header: string;
  share: number;
}

/**
 * A printable report, as every PDF of the product is made: US Letter, the shipped fonts (so names
 * in any script print), headings and paragraphs, horizontal bar charts drawn as vectors, tables
 * that break across pages with their header repeated, and "title — page i of n" on every page.
 */
export class PdfReport {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly width: number;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  /** `pageNumbers: false` for long documents (an export of every record): pages are then written out as they fill, not kept to be numbered. */
  constructor(
    readonly title: string,
    private readonly opts: { pageNumbers?: boolean } = {},
  ) {
    this.doc = new PDFDocument({ size: 'LETTER', margin: 54, bufferPages: opts.pageNumbers !== false, info: { Title: title, Creator: 'Detainer Monitor' } });
    registerPdfFonts(this.doc);
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise<Buffer>((resolve) => this.doc.on('end', () => resolve(Buffer.concat(this.chunks))));
    this.left = this.doc.page.margins.left;
    this.width = this.doc.page.width - this.left - this.doc.page.margins.right;
  }

  private at(x: number, y: number): void {
    this.doc.x = x;
    this.doc.y = y;
  }

  private room(height: number): void {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
  }

  /** A heading, on a new page when too little of this one is left for what follows it. */
  heading(text: string, size = 13): this {
    this.room(100);
    writeText(this.doc.moveDown(0.8).fontSize(size).fillColor('#000'), text, 'bold', { width: this.width });
    this.doc.moveDown(0.2);
    return this;
  }

  /** A paragraph. */
  line(text: string, opts: { size?: number; color?: string; style?: PdfStyle } = {}): this {
    this.doc.x = this.left;
    writeText(this.doc.fontSize(opts.size ?? 10).fillColor(opts.color ?? '#000'), text, opts.style ?? 'regular', { paragraphGap: 2, width: this.width });
    return this;
  }

  /** Horizontal bars, one per series in each row, scaled to the largest value; the figures beside them; the legend under them. */
  bars(rows: BarRow[], colors: string[], legend: string | null = null): this {
    const { doc, left, width } = this;
    const series = Math.max(1, ...rows.map((r) => r.values.length));
    const barH = series === 1 ? 12 : 8;
    const rowH = series * (barH + 1) + 6;
    const labelW = 170;
    const numW = 110;
    const barW = width - labelW - numW;
    const max = Math.max(1, ...rows.flatMap((r) => r.values));
    this.room(rows.length * rowH + 20);
    const top = doc.y + 4;
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      this.at(left, y + 3);
      writeText(doc.fontSize(9).fillColor('#000'), r.label, 'regular', { width: labelW - 8, lineBreak: false });
      r.values.forEach((v, s) =>
        doc
          .save()
          .rect(left + labelW, y + 2 + s * (barH + 1), (barW * v) / max, barH)
          .fill(colors[s % colors.length])
          .restore(),
      );
      doc
        .save()
        .moveTo(left + labelW, y)
        .lineTo(left + labelW, y + rowH - 2)
        .lineWidth(0.5)
        .stroke('#666')
        .restore();
      this.at(left + labelW + barW + 6, y + 3);
      writeText(doc.fontSize(9).fillColor('#000'), r.text, 'regular', { width: numW, lineBreak: false });
    });
    this.at(left, top + rows.length * rowH + 4);
    if (legend) writeText(doc.fontSize(8).fillColor('#444'), legend, 'regular', { width });
    return this;
  }

  /** A table: header in bold, a rule under it, rows that wrap within their column; the header repeats on each new page. */
  table(columns: Column[], rows: string[][], size = 8): this {
    const { doc, left, width } = this;
    const xs = columns.reduce<number[]>((acc, c, i) => [...acc, acc[i] + c.share * width], [left]);
    const rowOf = (cells: string[], style: PdfStyle) => {
      const heights = cells.map((cell, i) =>
        doc
          .fontSize(size)
          .font(style === 'bold' ? 'sansBold' : 'sans')
          .heightOfString(cell || ' ', { width: columns[i].share * width - 6 }),
      );
      const h = Math.max(...heights) + 4;
      if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
        doc.addPage();
        if (style !== 'bold')
          rowOf(
            columns.map((c) => c.header),
            'bold',
          );
      }
      const y = doc.y;
      cells.forEach((cell, i) => {
        this.at(xs[i], y + 2);
        writeText(doc.fontSize(size).fillColor('#000'), cell, style, { width: columns[i].share * width - 6 });
      });
      this.at(left, y + h);
      if (style === 'bold')
        doc
          .save()
          .moveTo(left, doc.y)
          .lineTo(left + width, doc.y)
          .lineWidth(0.5)
          .stroke('#666')
          .restore();
    };
    this.room(60);
    rowOf(
      columns.map((c) => c.header),
      'bold',
    );
    for (const r of rows) rowOf(r, 'regular');
    this.at(left, doc.y + 4);
    return this;
  }

  /** Number the pages (unless told not to) and end the document: the PDF's bytes. */
  finish(): Promise<Buffer> {
    const { doc, left, width } = this;
    if (this.opts.pageNumbers === false) {
      doc.end();
      return this.done;
    }
    const range = doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      // Writing inside the bottom margin would otherwise start a new page.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      this.at(left, doc.page.height - 36);
      writeText(doc.fontSize(8).fillColor('#666'), `${this.title} — page ${i + 1} of ${range.count}`, 'regular', { width, lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return this.done;
  }
}
