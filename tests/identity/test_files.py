"""Users' person files: column mapping, encodings, and what stops a run (with its line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hito.identity.files import FileError, parse_map, read_person_file

HEADER = "id,given_names,surnames,birth_date,sex,nationality,document_type,document_number\n"


def write(tmp_path: Path, text: str | bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_standard_file_reads_with_absent_columns_as_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "id;given_names;surnames\n1;María José;Pérez\n2;José;Añez\n")
    person_file = read_person_file(path)
    assert person_file.rows == 2
    assert person_file.table.column("given_names").to_pylist() == ["María José", "José"]
    assert set(person_file.missing_columns) == {
        "birth_date", "sex", "nationality", "document_type", "document_number",
    }  # fmt: skip
    assert person_file.table.column("birth_date").null_count == 2


def test_map_renames_and_joins_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ref,first_name,paternal,maternal\nA1,Ana,Quispe,Mamani\nA2,Luis,Rojas,\n",
    )
    mapping = parse_map("id=ref,given_names=first_name,surnames=paternal+maternal")
    table = read_person_file(path, mapping=mapping).table
    assert table.column("surnames").to_pylist() == ["Quispe Mamani", "Rojas"]
    assert table.column("id").to_pylist() == ["A1", "A2"]


def test_latin1_is_read_and_utf8_preferred(tmp_path: Path) -> None:
    latin = write(tmp_path, (HEADER + "1,Begoña,Núñez,,,,,\n").encode("latin-1"), "l.csv")
    person_file = read_person_file(latin)
    assert person_file.encoding == "latin-1"
    assert person_file.table.column("surnames").to_pylist() == ["Núñez"]
    utf8 = write(tmp_path, "\ufeff" + HEADER + "1,Begoña,Núñez,,,,,\n", "u.csv")
    assert read_person_file(utf8).encoding == "utf-8"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"name,surname\nAna,Paz\n", "line 1: no id column"),
        ((HEADER + "1,Ana,Paz,,,,,\n2,Luis,Paz,,,,,\n1,Eva,Paz,,,,,\n").encode(),
         "line 4: id '1' already used on line 2"),
        ((HEADER + "1,Ana,Paz,,,,,\n,Luis,Paz,,,,,\n").encode(), "line 3: empty id"),
        ((HEADER + "1,Ana,Paz\n").encode(), "line 2: 3 fields, the header has 8"),
        ((HEADER + "1,Ana,Paz,,,,,\n2,Jos\x93,Paz,,,,,\n").encode("latin-1"),
         "line 3: byte 0x93 is neither UTF-8 nor Latin-1"),
        (HEADER.encode(), "no records after the header"),
    ],
)  # fmt: skip
def test_unusable_files_stop_with_the_line(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(FileError) as raised:
        read_person_file(write(tmp_path, content))
    assert message in str(raised.value)


def test_explicit_encoding_reports_the_bad_line(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + "1,Ana,Paz,,,,,\n2,Begoña,Núñez,,,,,\n").encode("latin-1"))
    with pytest.raises(FileError, match="line 3: bytes that are not utf-8"):
        read_person_file(path, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nombre=first", "'nombre' is not a standard column"),
        ("given_names", "is not STANDARD=column"),
        ("given_names=a,given_names=b", "mapped twice"),
    ],
)
def test_bad_maps_are_refused(text: str, message: str) -> None:
    with pytest.raises(FileError, match=message):
        parse_map(text)


def test_mapped_column_missing_from_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "id,first\n1,Ana\n")
    with pytest.raises(FileError, match="column 'nombre' \\(for given_names\\) is not in the file"):
        read_person_file(path, mapping=parse_map("given_names=nombre"))
