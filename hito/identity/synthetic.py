"""Synthetic registries of both countries, with ground truth, at any size.

People of five nationalities (Venezuelan, Colombian, Haitian, Peruvian, Chilean) are drawn with
name frequencies that fall off as real ones do; each country's registry then records them the way
officers at this border do: accents and ñ dropped or kept, compound given names shortened,
surnames swapped, missing or joined by a married name ("de Pérez"), day and month swapped, partial
or absent birth dates, documents mistyped or absent. Used by the benchmarks and the tests; it
contains no real person.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_GIVEN = {
    ("HISP", "F"): (
        "María Ana Carmen Rosa Luisa Daniela Gabriela Andrea Valentina Camila Isabel Fernanda "
        "Alejandra Carolina Patricia Yuleidy Yelitza Génesis Rosángela Mariángel Luisana Oriana "
        "Dayana Karina Elena Josefina Milagros Yesenia Yohana Leidy Sandra Milena Paola Luz Marina "
        "Yeimy Ángela Claudia Jimena Lucía Sofía Valeria Natalia Mónica Beatriz Gloria Teresa "
        "Verónica Marisol Nathaly Keila Yarelis Dulce "
        "Esperanza Inés Raquel Susana Norma Flor Pilar "
        "Consuelo Mercedes Dolores Antonia Francisca Javiera Constanza Catalina Antonella Fiorella "
        "Maryori Yamileth Belkis Zuleima Yusmary Nelly Xiomara Yajaira Maribel Katherine Yaneth "
        "Adriana Alicia Amparo Angélica Aracely Azucena Bárbara Blanca Brenda Cecilia Celia "
        "Cristina Diana Edith Elisa Elizabeth Emilia Estefanía Eva Fabiola Fátima Gisela "
        "Graciela Guadalupe Irene Iris Jacqueline Janeth Jennifer Jessica Johana Julia Juliana "
        "Karen Laura Leticia Liliana Lorena Lourdes Magdalena Mariela Maritza Marlene Marta "
        "Martha Miriam Nancy Nidia Noemí Olga Pamela Paula Rocío Rosario Ruth Sara Silvia "
        "Sonia Tatiana Vanessa Victoria Viviana Wendy Ximena Yolanda Zoraida Anabel Arelis "
        "Betzabeth Daniuska Deisy Eglé Francelys Geraldine Greisy Iraima Jhoana Keyla "
        "Leidymar Lisbeth Marbella Mileidy Nairobi Neida Omaira Roxana Scarlet Yackeline"
    ),
    ("HISP", "M"): (
        "José Luis Carlos Juan Jesús Antonio Alberto Eduardo Ángel David Néstor Freddy Rafael "
        "Óscar Yorman Wilmer Jhonny Yeferson Jhon Fredy Andrés Felipe Miguel Alejandro Diego Jorge "
        "Pedro Manuel Francisco Javier Ricardo Fernando Sergio Pablo Daniel Gabriel Héctor Raúl "
        "Víctor Hugo Julio César Ramón Enrique Gustavo Mauricio Cristian Sebastián Matías Benjamín "
        "Joaquín Tomás Ignacio Vicente Rodrigo Gonzalo Edwin Wilson Richard Kevin Brayan Anderson "
        "Deivis Yonathan Leonel Elvis Henry Renzo Piero Franco Percy Walter Wilfredo Teodoro "
        "Édgar Wílmar Fabio Yeison Jairo Orlando Reinaldo Nelson Omar Elías "
        "Abel Adrián Agustín Alexander Alfonso Alfredo Álvaro Armando Arturo Augusto Bernardo "
        "Bruno Camilo Cristóbal Darío Dennis Douglas Eduar Efraín Elvin Emilio Ernesto Esteban "
        "Eugenio Ezequiel Félix Fidel Gerardo Germán Gilberto Gregorio Guillermo Gustavo Heriberto "
        "Humberto Iván Jaime Jeferson Jhonatan Joel Jonathan Josué Julián Leandro Leonardo Lorenzo "
        "Marcos Mario Martín Maximiliano Moisés Nicolás Noel Octavio Orlando Osvaldo Patricio "
        "Ramiro Renato Roberto Rolando Rubén Salvador Samuel Santiago Saúl Simón Ulises Valentín "
        "Wilber Xavier Yoel Yonny Yordi Yunior Adonis Alexis Argenis Danny Deiby Eliécer "
        "Frank Gleiber Jeanpierre Jeyson Maikel Oswaldo Ronald Wuilliams Yilber Yohan"
    ),
    ("HT", "F"): (
        "Marie Rose Nadège Fabiola Guerline Mirlande Roseline Wideline Nathalie Stéphanie Judith "
        "Esther Fedeline Magalie Carline Marlène "
        "Jeanne Claudette Lovely Darline Roselaure Fabienne "
        "Mackenzie Sherline Jésula Yolette Manouchka Nadia Bernadette Évelyne "
        "Angeline Chantal Daphnée Dieula Elmide Farah Géralde Immacula Jessica Kettely Lunise "
        "Mimose Myrlande Natacha Phanie Rachelle Sabine Sandrine Tamara Vanessa Wislande Yvrose"
    ),
    ("HT", "M"): (
        "Jean Pierre Joseph Wilner Mackenson Wiselet Jocelyn Frantz Stanley Peterson Jameson "
        "Emmanuel Fritz Réginald Junior Kervens Dieuseul "
        "Lucner Frednel Jacques Louis Michel Roodly "
        "Widner Evens Johnny Clervil Wesner Rony Jean-Robert "
        "Alix Benson Carl Dady Davidson Erns Fabrice Gérald Herby Jimmy Kesner Lionel Marc "
        "Nixon Patrick Ralph Samson Ti-Jean Vladimir Wilkens Yvenson Guerby Jonas Ketler"
    ),
}
_SURNAMES = {
    "HISP": (
        "González Rodríguez Pérez Hernández García Martínez López Sánchez Ramírez Torres Flores "
        "Rivera Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Mendoza Vargas "
        "Castillo Jiménez Moreno Romero Herrera Medina Aguilar Rojas Castro Álvarez Fernández "
        "Suárez Contreras Silva Muñoz Guzmán Peña Salazar Delgado Vásquez Molina Campos Núñez "
        "Figueroa Sandoval Ríos Acosta Espinoza Cabrera Paredes Navarro Carrasco Quintero Briceño "
        "Colmenares Villalobos Zambrano Guevara Marcano Uzcátegui Carrasquel Montilla Añez Chacón "
        "Ospina Castaño Valencia Giraldo Londoño Cárdenas Soto Araya Fuentes Valenzuela Tapia "
        "Sepúlveda Vergara Cáceres Huerta Ibáñez Orellana Bustos Pizarro Villarroel Salinas "
        "Escobar Mejía Arias Osorio Zapata Montoya Bermúdez Córdoba Ocampo Patiño Rincón Durán "
        "Aguirre Alvarado Andrade Arenas Arrieta Ávila Barrios Becerra Beltrán Benítez Blanco "
        "Bravo Bustamante Caballero Calderón Camacho Cano Carmona Carrillo Castañeda Cedeño "
        "Cisneros Colina Correa Cortés Cuevas Dávila Duarte Echeverría Escalona Estrada Farías "
        "Franco Gallardo Gallegos Galván Garrido Gil Godoy Guerra Guerrero Hurtado Ibarra "
        "Jaramillo Lara Leal León Linares Lozano Luna Macías Maldonado Mancilla Manrique "
        "Marín Márquez Mata Meléndez Mercado Miranda Mora Moya Nieto Nova Ochoa Olivares "
        "Orozco Ortega Pacheco Padilla Palacios Parra Pineda Ponce Prieto Quiroga Rangel "
        "Rivas Robles Rosales Rueda Salas Salcedo Santana Serrano Sierra Solís Sosa Tovar "
        "Trujillo Urbina Valdés Valera Vera Villegas Yépez Zamora Zerpa Zúñiga Albornoz "
        "Angulo Aponte Arteaga Bastidas Bolívar Cabello Cordero Daza Graterol Hidalgo Infante "
        "Lugo Mendez Moncada Noguera Oropeza Peraza Piñero Requena Sequera Tineo Useche Velásquez"
    ),
    "PE-ANDEAN": (
        "Quispe Mamani Huamán Condori Choque Apaza Ticona Ccori Huanca Yupanqui Chambi Cusi "
        "Poma Layme Coaquira Calcina Pari Ramos Flores Vilca Nina Cutipa Machaca Limachi Arocutipa "
        "Huaman Cahuana Ccallo Chura Colque Copa Cruz Gutierrez Huarachi Incacutipa Justo "
        "Llanque Mayta Pilco Quilla Sucasaca Tito Turpo Ylla Zapana Aguilar Condorena"
    ),
    "HT": (
        "Joseph Jean Pierre Louis Charles Jean-Baptiste Saint-Louis François Augustin Désir "
        "Étienne Dorvil Fils-Aimé Célestin Noël Michel Théodore Alexis Baptiste Paul Cadet "
        "Toussaint Bien-Aimé Dieudonné Philogène Petit-Frère Métellus Lafleur Beauvoir Desrosiers "
        "Jean-Louis Saint-Fleur Pierre-Louis Delva Innocent Estimé Jeune Casimir Laguerre "
        "Alcindor Antoine Bastien Belizaire Bernard Blanc Bruno Chéry Clervil Dorélien Dumas "
        "Duverger Edouard Exantus Fleurant Fortuné Georges Guerrier Hyppolite Jacques Janvier "
        "Julien Lamour Lubin Mathurin Maxi Moïse Nelson Octavius Pierre-Paul Rémy Romain Sylvain "
        "Thélusma Valcourt Victor Vilaire Voltaire Zéphir"
    ),
}
_PARTICLE_SURNAMES = ["de la Rosa", "del Castillo", "de la Cruz", "de los Santos", "del Valle"]
NATIONALITY_WEIGHTS = {"VE": 0.72, "CO": 0.10, "HT": 0.08, "PE": 0.06, "CL": 0.04}
_DOCUMENT_TYPE = {"VE": "ve-cedula", "CO": "co-cedula", "HT": "passport", "PE": "pe-dni"}
_DOCUMENT_TYPE["CL"] = "cl-run"

COLUMNS = [
    "id",
    "given_names",
    "surnames",
    "birth_date",
    "sex",
    "nationality",
    "document_type",
    "document_number",
]


def _zipf(count: int, exponent: float = 0.9) -> np.ndarray:
    weights = 1.0 / np.arange(2, count + 2) ** exponent
    return weights / weights.sum()


@dataclass(frozen=True)
class Person:
    """The truth about one person, before any registry writes it down."""

    entity: int
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    birth: tuple[int, int, int]
    sex: str
    nationality: str
    document: str
    passport: str  # another document the person may show instead


PROFILES = ("hard", "realistic")


class Population:
    """People drawn with the name frequencies of a profile: `hard` (today's small pools, about
    170 given names per sex and 230 surnames, so namesakes abound) or `realistic` (published
    name statistics with their long tails, `synthetic_names`)."""

    def __init__(self, seed: int, profile: str = "hard") -> None:
        if profile not in PROFILES:
            raise ValueError(f"profile {profile!r}: one of {', '.join(PROFILES)}")
        self.rng = np.random.default_rng(seed)
        self.given = {key: list(dict.fromkeys(value.split())) for key, value in _GIVEN.items()}
        hispanic = _SURNAMES["HISP"].split() + _PARTICLE_SURNAMES
        self.surnames = {
            "VE": hispanic,
            "CO": hispanic,
            "CL": hispanic,
            "PE": _SURNAMES["PE-ANDEAN"].split() + hispanic,
            "HT": _SURNAMES["HT"].split(),
        }
        self._given_p = {key: _zipf(len(v)) for key, v in self.given.items()}
        self._surname_p = {key: _zipf(len(v), 0.8) for key, v in self.surnames.items()}
        if profile == "realistic":
            self._realistic()

    def _realistic(self) -> None:
        from hito.identity.synthetic_names import pools

        given, surnames = pools(
            tuple((sex, tuple(self.given[("HISP", sex)])) for sex in ("F", "M")),
            tuple(_SURNAMES["PE-ANDEAN"].split()),
            tuple((sex, tuple(self.given[("HT", sex)])) for sex in ("F", "M")),
            tuple(_SURNAMES["HT"].split()),
        )
        for key, (names, p) in given.items():
            self.given[key], self._given_p[key] = names, p
        for nationality, (names, p) in surnames.items():
            if nationality != "HT":  # "de la Cruz", "del Valle": 2% of Hispanic surnames
                names = names + _PARTICLE_SURNAMES
                p = np.concatenate([p * 0.98, np.full(len(_PARTICLE_SURNAMES), 0.004)])
            self.surnames[nationality], self._surname_p[nationality] = names, p / p.sum()

    def people(self, count: int, first_entity: int = 0) -> list[Person]:
        rng = self.rng
        nationalities = rng.choice(
            list(NATIONALITY_WEIGHTS), size=count, p=list(NATIONALITY_WEIGHTS.values())
        )
        sexes = rng.choice(["F", "M"], size=count)
        ages = np.clip(rng.gamma(6.0, 5.5, size=count), 0, 90).astype(int)
        days = rng.integers(0, 365, size=count)
        compound = rng.random(count)
        people = []
        for i in range(count):
            nationality = str(nationalities[i])
            sex = str(sexes[i])
            group = "HT" if nationality == "HT" else "HISP"
            pool, p = self.given[(group, sex)], self._given_p[(group, sex)]
            names = 2 if compound[i] < 0.5 else 1
            given = tuple(dict.fromkeys(pool[j] for j in rng.choice(len(pool), names, p=p)))
            spool, sp = self.surnames[nationality], self._surname_p[nationality]
            two = 1 if group == "HT" else 2
            surnames = tuple(spool[j] for j in rng.choice(len(spool), two, p=sp))
            born = np.datetime64("2025-11-01") - np.timedelta64(int(ages[i] * 365 + days[i]), "D")
            year, month, day = (int(x) for x in str(born).split("-"))
            people.append(
                Person(
                    first_entity + i,
                    given,
                    surnames,
                    (year, month, day),
                    sex,
                    nationality,
                    self._document(nationality),
                    self._passport(),
                )
            )
        return people

    def _passport(self) -> str:
        letters = "".join(self.rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), 1))
        return letters + str(int(self.rng.integers(10_000_000, 99_999_999)))

    def _document(self, nationality: str) -> str:
        rng = self.rng
        if nationality == "VE":
            return f"V-{int(rng.integers(4_000_000, 32_000_000)):,}".replace(",", ".")
        if nationality == "CO":
            return str(int(rng.integers(10_000_000, 1_200_000_000)))
        if nationality == "PE":
            return f"{int(rng.integers(10_000_000, 79_999_999)):08d}"
        if nationality == "CL":
            from stdnum.cl import rut

            body = str(int(rng.integers(5_000_000, 27_000_000)))
            return f"{body}-{rut.calc_check_digit(body)}"
        return "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), 2)) + str(
            int(rng.integers(1_000_000, 9_999_999))
        )


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next or replaced."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + "aeiourns"[int(rng.integers(0, 8))] + text[i + 1 :]


def _year_slip(rng: np.random.Generator, birth: str) -> str:
    """One digit of the year's last two replaced (1987 → 1984 or 1997), staying in the past."""
    year = int(birth[:4])
    slips = [
        int(f"{year:04d}"[:position] + digit + f"{year:04d}"[position + 1 :])
        for position in (2, 3)
        for digit in "0123456789"
        if digit != f"{year:04d}"[position]
    ]
    slips = [slip for slip in slips if 1900 <= slip <= _THIS_YEAR]
    return f"{slips[int(rng.integers(0, len(slips)))]:04d}{birth[4:]}" if slips else birth


_THIS_YEAR = 2025  # the registries are written as of November 2025


@dataclass
class Noise:
    """How often each variation happens when a registry writes a person down."""

    drop_accents: float = 0.45
    upper_case: float = 0.30
    shorten_given: float = 0.15
    given_typo: float = 0.04
    surname_typo: float = 0.05
    swap_surnames: float = 0.05
    drop_second_surname: float = 0.15
    married_name: float = 0.08  # of women
    swap_day_month: float = 0.03
    birth_year_only: float = 0.04
    birth_month_only: float = 0.03
    birth_missing: float = 0.04
    birth_typo: float = 0.02
    document_missing: float = 0.30
    document_typo: float = 0.03
    sex_missing: float = 0.03
    swap_name_columns: float = 0.02  # given names written as surnames and the other way
    birth_year_typo: float = 0.02  # one digit of the year wrong
    document_other_type: float = 0.05  # a passport shown instead of the national document

    def scaled(self, factor: float) -> Noise:
        """The same habits, `factor` times as often."""
        return Noise(**{name: min(1.0, value * factor) for name, value in vars(self).items()})


CLEAN = Noise(
    drop_accents=0.2,
    upper_case=0.1,
    shorten_given=0.03,
    given_typo=0.01,
    surname_typo=0.01,
    swap_surnames=0.0,
    drop_second_surname=0.03,
    married_name=0.02,
    swap_day_month=0.0,
    birth_year_only=0.01,
    birth_month_only=0.0,
    birth_missing=0.01,
    birth_typo=0.005,
    document_missing=0.1,
    document_typo=0.005,
    sex_missing=0.0,
    swap_name_columns=0.0,
    birth_year_typo=0.005,
    document_other_type=0.01,
)


def record(
    rng: np.random.Generator, person: Person, noise: Noise, record_id: str
) -> dict[str, str]:
    """One registry's row for a person, with that registry's habits."""
    r = rng.random(19)
    given = list(person.given)
    if len(given) > 1 and r[0] < noise.shorten_given:
        given = given[:1]
    given_text = " ".join(given)
    if r[1] < noise.given_typo:
        given_text = _typo(rng, given_text)
    surnames = list(person.surnames)
    if r[2] < noise.swap_surnames and len(surnames) == 2:
        surnames.reverse()
    if r[3] < noise.drop_second_surname and len(surnames) == 2:
        surnames = surnames[:1]
    if r[4] < noise.surname_typo:
        k = int(rng.integers(0, len(surnames)))
        surnames[k] = _typo(rng, surnames[k])
    if person.sex == "F" and r[5] < noise.married_name:
        husband = ["Pérez", "González", "Rodríguez", "Hernández", "García"][int(rng.integers(0, 5))]
        surnames = [surnames[0], f"de {husband}"]
    surname_text = " ".join(surnames)
    year, month, day = person.birth
    if r[6] < noise.birth_missing:
        birth = ""
    elif r[7] < noise.birth_year_only:
        birth = f"{year:04d}"
    elif r[8] < noise.birth_month_only:
        birth = f"{year:04d}-{month:02d}"
    elif r[9] < noise.swap_day_month and day <= 12 and day != month:
        birth = f"{year:04d}-{day:02d}-{month:02d}"
    elif r[10] < noise.birth_typo:
        slip = int(rng.integers(-9, 10)) or 1
        birth = f"{year:04d}-{month:02d}-{max(1, min(28, day + slip)):02d}"
    else:
        birth = f"{year:04d}-{month:02d}-{day:02d}"
    if birth and r[16] < noise.birth_year_typo:
        birth = _year_slip(rng, birth)
    document = person.document
    if r[11] < noise.document_typo:
        digits = [i for i, c in enumerate(document) if c.isdigit()]
        i = digits[int(rng.integers(0, len(digits)))]
        document = document[:i] + str((int(document[i]) + 1) % 10) + document[i + 1 :]
    document_type = _DOCUMENT_TYPE[person.nationality]
    if r[17] < noise.document_other_type and document_type != "passport":
        document, document_type = person.passport, "passport"
    if r[12] < noise.document_missing:
        document, document_type = "", ""
    if r[13] < noise.drop_accents:
        given_text, surname_text = _strip_accents(given_text), _strip_accents(surname_text)
    if r[14] < noise.upper_case:
        given_text, surname_text = given_text.upper(), surname_text.upper()
    if r[18] < noise.swap_name_columns:
        given_text, surname_text = surname_text, given_text
    return {
        "id": record_id,
        "given_names": given_text,
        "surnames": surname_text,
        "birth_date": birth,
        "sex": "" if r[15] < noise.sex_missing else person.sex,
        "nationality": person.nationality,
        "document_type": document_type,
        "document_number": document,
    }


@dataclass
class Registries:
    """Two countries' registries and the truth: which record ids are the same person."""

    left: list[dict[str, str]]
    right: list[dict[str, str]]
    truth: set[tuple[str, str]]  # (left id, right id)


def registries(
    left_size: int,
    right_size: int,
    *,
    overlap: float = 0.4,
    seed: int = 7,
    noise: Noise | None = None,
    profile: str = "hard",
) -> Registries:
    """Peru's (left) and Chile's (right) registries; `overlap` of the right's people are also
    in the left one. Both are written with `Noise`, so neither is the clean copy. `profile`
    chooses the name frequencies (`Population`)."""
    population = Population(seed, profile)
    rng = population.rng
    shared = int(right_size * overlap)
    people = population.people(left_size + right_size - shared)
    left_people = people[:left_size]
    right_people = people[:shared] + people[left_size:]
    noise = noise or Noise()
    left = [record(rng, p, noise, f"PE{i:07d}") for i, p in enumerate(left_people)]
    order = rng.permutation(len(right_people))
    right = [record(rng, right_people[j], noise, f"CL{k:07d}") for k, j in enumerate(order)]
    truth = {(f"PE{int(j):07d}", f"CL{k:07d}") for k, j in enumerate(order) if int(j) < shared}
    return Registries(left, right, truth)


def registry_with_duplicates(
    size: int, *, duplicate_share: float = 0.2, seed: int = 11
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """One registry where some people were recorded two or three times; returns the rows and
    each row's true person."""
    population = Population(seed)
    rng = population.rng
    people = population.people(int(size / (1 + duplicate_share * 1.3)) + 1)
    rows: list[dict[str, str]] = []
    entity: dict[str, int] = {}
    for person in people:
        copies = 1
        if rng.random() < duplicate_share:
            copies = 2 if rng.random() < 0.7 else 3
        for _ in range(copies):
            if len(rows) == size:
                break
            rid = f"R{len(rows):07d}"
            rows.append(record(rng, person, Noise(), rid))
            entity[rid] = person.entity
    return rows, entity


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
