"""A worksheet that writes one long block of rows (a round's votes) as XML in one piece.

XlsxWriter keeps each cell as an object and writes it through several calls at the
end: a round of 120,000 votes took 10 s. Here each distinct value of the block
becomes its cell's XML once when the block is taken, and when the book closes the
rows are put together column by column, after the sheet's other rows. The file is byte for byte what writing every cell
through ``write_string`` / ``write_number`` gives (tests/exporters compare them):
the same shared-string indices (asked for in the same order), the same row spans,
dimensions and cell formats.

This leans on XlsxWriter internals (its row writer, shared-string table and format
indices), so ``take`` says no, and the caller writes cell by cell, whenever those
are not as expected, or the block is not a plain one: only text and finite numbers,
each with a format, no text long enough to be cut, all after the sheet's other rows.
Imported only with XlsxWriter, inside the xlsx writer.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from itertools import chain, compress
from typing import Callable, Sequence

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_METHODS = ("_write_rows", "_calculate_spans", "_check_dimensions")
_ATTRIBUTES = ("table", "row_spans", "fh", "str_table", "xls_rowmax", "xls_colmax", "xls_strmax", "dim_rowmax")

# A cell as the writer classifies it: ("s", text, format, width text) or ("n", number, format, width text);
# None for an empty cell.
Classify = Callable[[object], "tuple | None"]


class BlockWorksheet(Worksheet):
    def __init__(self) -> None:
        super().__init__()
        # (first row, row count, row spans, cell columns, rows present, formats, spans)
        self._block: tuple | None = None
        self.block_written = False  # the writer checks this after closing: see xlsx.render_bytes

    @property
    def block_pending(self) -> bool:
        """A block was taken and XlsxWriter never asked for it (its internals have changed)."""
        return self._block is not None and not self.block_written

    def take(self, first_row: int, columns: Sequence[Sequence[object]], classify: Classify,
             formats: dict[str, object]) -> list[tuple[int, str]] | None:
        """Write the rows whose cells ``columns`` hold (column by column, all of one length)
        from ``first_row`` on, as the sheet's last rows. Returns each column's width texts
        (one per distinct value), or None when the block is not one this can write exactly
        as cell-by-cell writing would (nothing is written then)."""
        if self._block is not None or not all(hasattr(Worksheet, name) for name in _METHODS):
            return None
        if not all(hasattr(self, name) for name in _ATTRIBUTES) or getattr(self, "constant_memory", True):
            return None
        if not (hasattr(self.str_table, "_get_shared_string_index") and hasattr(self.str_table, "count")):
            return None
        count = len(columns[0]) if columns else 0
        if any(len(column) != count for column in columns) or len(columns) > self.xls_colmax:
            return None
        if first_row + count > self.xls_rowmax or any(row >= first_row and cells for row, cells in self.table.items()):
            return None
        # Every distinct value once (by identity: the votes share their keys and numbers), checked.
        ids = [list(map(id, column)) for column in columns]
        distinct = [dict(zip(column_ids, column)) for column_ids, column in zip(ids, columns)]
        cells_of: dict[int, tuple | None] = {}
        for values in distinct:
            for key, value in values.items():
                if key in cells_of:
                    continue
                cell = classify(value)
                if cell is not None:
                    kind, data, fmt, _ = cell
                    if formats.get(fmt) is None or not (
                            (kind == "s" and type(data) is str and len(data) <= self.xls_strmax // 2)
                            or (kind == "n" and type(data) is float and math.isfinite(data))):
                        return None
                cells_of[key] = cell

        # Each value's cell XML after its reference. Shared strings are asked for in the
        # order cell-by-cell writing asks (row by row), so they get the same indices. A
        # format's index is known only when the book closes: a placeholder (\0name\0; no
        # XML of a sheet holds \0) stands for it until then.
        shared = self.str_table._get_shared_string_index
        tails: dict[int, str] = {}
        texts: set[int] = set()
        used_formats: dict[str, None] = {}  # in the order cells first use them: the order they get their index
        for key in dict.fromkeys(chain.from_iterable(zip(*ids))):
            cell = cells_of[key]
            if cell is None:
                tails[key] = ""
                continue
            used_formats.setdefault(cell[2])
            if cell[0] == "s":
                tails[key] = f'" s="\0{cell[2]}\0" t="s"><v>{shared(cell[1])}</v></c>'
                texts.add(key)
            else:
                tails[key] = f'" s="\0{cell[2]}\0"><v>{cell[1]:.16G}</v></c>'

        widths: list[tuple[int, str]] = []
        strings = 0
        cell_columns: list[tuple[str, list[str], str]] = []  # (reference prefix, each row's tail, "all"/"some"/"none")
        filled: list[list[bool] | None] = []  # per column, which rows have a cell (None: all of them)
        for col, (column_ids, values) in enumerate(zip(ids, distinct)):
            for key in values:
                if cells_of[key] is not None:
                    widths.append((col, cells_of[key][3]))
            if texts.issuperset(values):
                strings += count
            elif not texts.isdisjoint(values):
                strings += sum(map(texts.__contains__, column_ids))
            column_tails = list(map(tails.__getitem__, column_ids))
            present = [bool(tails[key]) for key in values]
            state = "all" if all(present) else "some" if any(present) else "none"
            cell_columns.append(('<c r="' + xl_col_to_name(col), column_tails, state))
            filled.append(None if state == "all" else list(map(bool, column_tails)))
        # Each string cell counts as a use of its shared string, as write_string counts it.
        self.str_table.count += strings - len(texts)

        # A row's spans are the columns used in its run of 16 rows (XlsxWriter's runs start at
        # row 0); the first run's may be widened by the sheet's own rows (see _write_rows).
        first_run = first_row // 16
        spans: dict[int, tuple[int, int]] = {}
        row_spans: list[str] = []
        for run in range(first_run, (first_row + count - 1) // 16 + 1 if count else first_run):
            lo, hi = max(run * 16 - first_row, 0), min(run * 16 + 16 - first_row, count)
            used = [col for col, rows in enumerate(filled) if rows is None or any(rows[lo:hi])]
            if used:
                spans[run] = (used[0], used[-1])
            # A run with no cell has no span: its rows are not written.
            span = "\0span\0" if run == first_run else "%d:%d" % (used[0] + 1, used[-1] + 1) if used else ""
            row_spans.extend([span] * (hi - lo))
        present_rows = None  # a row with no cell is not written at all; with a filled column every row has one
        used_rows = [first_row, first_row + count - 1] if count else []
        if filled and all(rows is not None for rows in filled):
            present_rows = list(map(any, zip(*filled)))
            used_rows = [first_row + offset for offset, here in enumerate(present_rows) if here]
        if used_rows:
            self._check_dimensions(used_rows[0], min(low for low, _ in spans.values()))
            self._check_dimensions(used_rows[-1], max(high for _, high in spans.values()))
        self._block = (first_row, count, row_spans, cell_columns, present_rows,
                       [(name, formats[name]) for name in used_formats], spans)
        return widths

    def _calculate_spans(self) -> None:
        if self._block is None:
            super()._calculate_spans()
            return
        first_row = self._block[0]
        with self._rows_above(first_row):
            super()._calculate_spans()
        for index, (low, high) in self._block[6].items():
            known = self.row_spans.get(index)
            if known is not None:
                a, b = (int(x) - 1 for x in known.split(":"))
                low, high = min(low, a), max(high, b)
            self.row_spans[index] = f"{low + 1}:{high + 1}"

    def _write_rows(self) -> None:
        if self._block is None:
            super()._write_rows()
            return
        first_row, count, row_spans, cell_columns, present_rows, formats, _ = self._block
        if any(row >= first_row and cells for row, cells in self.table.items()):
            raise RuntimeError("cells were written after the block of rows; the block must be the sheet's last rows")
        with self._rows_above(first_row):
            super()._write_rows()  # the sheet's own rows, above the block
        # The formats' indices are known now (asked for in the order the cells use them).
        marks = [(f"\0{name}\0", str(fmt._get_xf_index())) for name, fmt in formats]
        first_span = self.row_spans.get(first_row // 16, "")
        row_spans = [span.replace("\0span\0", first_span) for span in row_spans[:16]] + row_spans[16:]
        numbers = list(map(str, range(first_row + 1, first_row + count + 1)))
        # Each row from one template: the columns every row fills take the row number and
        # their tail; the others their whole cell, or nothing.
        template, arguments = ['<row r="%s" spans="%s">'], [numbers, row_spans]
        for prefix, column_tails, state in cell_columns:
            if state == "none":
                continue
            done = {tail: _resolve(tail, marks) for tail in set(column_tails)}
            tails = list(map(done.__getitem__, column_tails))
            if state == "all":
                template.append(prefix.replace("%", "%%") + "%s%s")
                arguments += [numbers, tails]
            else:
                template.append("%s")
                arguments.append([prefix + n + t if t else "" for n, t in zip(numbers, tails)])
        template.append("</row>")
        rows = map("".join(template).__mod__, zip(*arguments))
        self.fh.writelines(rows if present_rows is None else compress(rows, present_rows))
        self.block_written = True

    @contextmanager
    def _rows_above(self, first_row: int):
        """XlsxWriter's own row passes see only the rows above the block."""
        if self.dim_rowmax is None or self.dim_rowmax < first_row:
            yield
            return
        saved = self.dim_rowmax
        self.dim_rowmax = first_row - 1
        try:
            yield
        finally:
            self.dim_rowmax = saved


def _resolve(tail: str, marks: list[tuple[str, str]]) -> str:
    for mark, index in marks:
        if mark in tail:
            tail = tail.replace(mark, index)
    return tail
