"""Export of a list as CSV or Excel: the rows its filters give, in its
order, with the columns it shows; streamed row by row from a server-side
iterator, so a list of a million rows never sits in memory.

CSV goes out as it is written; Excel is written by XlsxWriter in its
constant-memory mode into a temporary file, then sent from that file."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_tables2 import CheckBoxColumn
from django_tables2.rows import BoundRow

FORMATS = ("csv", "xlsx")
CHUNK = 500
# A cell a spreadsheet would take for a formula (=, +, -, @, tab, CR) is
# written with a leading apostrophe: exported text never runs as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def exported_columns(table) -> list:
    return [column for column in table.columns
            if not isinstance(column.column, CheckBoxColumn)
            and not getattr(column.column, "exclude_from_export", False)]


def cell_text(value) -> str:
    text = "" if value is None else str(value).strip()
    if text in ("—", "-"):  # the tables' placeholder of an empty value
        text = ""
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text


def rows(table):
    """The header, then each row's cells, as text."""
    columns = exported_columns(table)
    yield [str(column.header) for column in columns]
    queryset = table.data.data
    for record in queryset.iterator(chunk_size=CHUNK):
        row = BoundRow(record, table=table)
        yield [cell_text(row.get_cell_value(column.name)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(table, stem: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # spreadsheets then read the file as UTF-8
        for cells in rows(table):
            yield writer.writerow(cells)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "csv")}"'
    return response


def xlsx_response(table, stem: str) -> FileResponse:
    import xlsxwriter

    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(stem[:31] or "Export")
    bold = workbook.add_format({"bold": True})
    for index, cells in enumerate(rows(table)):
        sheet.write_row(index, 0, cells, bold if index == 0 else None)
    workbook.close()
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename(stem, "xlsx"),
                        content_type="application/vnd.openxmlformats-officedocument"
                                     ".spreadsheetml.sheet")


def response(table, fmt: str, stem: str):
    return csv_response(table, stem) if fmt == "csv" else xlsx_response(table, stem)
