"""Realistic names by nationality for the demo (two surnames, accents, compound given names)."""

from __future__ import annotations

GIVEN: dict[str, dict[str, list[str]]] = {
    "VE": {
        "female": ["María José", "Yuleidy", "Daniela", "Andreína", "Yelitza", "Génesis", "María Fernanda",
                   "Rosángela", "Mariángel", "Luisana", "Carmen Elena", "Oriana", "Dayana", "Ana Karina"],
        "male": ["José Antonio", "Luis Alberto", "Jesús", "Yorman", "Carlos Eduardo", "Wilmer", "Jhonny",
                 "Ángel David", "Néstor", "Freddy", "Juan Carlos", "Yeferson", "Rafael", "Óscar"],
    },
    "CO": {
        "female": ["Luz Marina", "Yeimy", "Paola Andrea", "Ángela", "Leidy Johanna", "Sandra Milena"],
        "male": ["Jhon Fredy", "Andrés Felipe", "Édgar", "Juan Sebastián", "Wílmar", "Héctor Fabio"],
    },
    "HT": {
        "female": ["Marie-Claire", "Nadège", "Roselaure", "Fabienne", "Widline", "Mirlande"],
        "male": ["Jean-Baptiste", "Wilner", "Frantz", "Jean Robert", "Dieuseul", "Réginald"],
    },
    "PE": {
        "female": ["Rosa María", "Milagros", "Yaneth", "Flor de María", "Katherine", "Maribel"],
        "male": ["Julio César", "Percy", "Wilfredo", "José Luis", "Edwin", "Néstor Raúl"],
    },
    "CL": {
        "female": ["Francisca", "Javiera", "Constanza", "María Paz", "Catalina", "Valentina"],
        "male": ["Matías", "Benjamín", "Cristóbal", "Juan Pablo", "Sebastián", "Vicente"],
    },
}

SURNAMES: dict[str, list[str]] = {
    "VE": ["González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez", "Rojas", "Briceño",
           "Colmenares", "Mendoza", "Peña", "Villalobos", "Quintero", "Zambrano", "Guevara",
           "de la Rosa", "Marcano", "Uzcátegui", "Carrasquel", "Montilla", "Añez", "Chacón"],
    "CO": ["Gómez", "Ramírez", "Muñoz", "Cárdenas", "Ospina", "Castaño", "Valencia", "Giraldo",
           "Londoño", "del Castillo"],
    "HT": ["Joseph", "Jean-Louis", "Pierre", "Charles", "Louis", "Étienne", "Dorvil", "Saint-Fleur",
           "Desrosiers", "Augustin"],
    "PE": ["Quispe", "Mamani", "Huamán", "Condori", "Flores", "Chávez", "Ticona", "Apaza",
           "Vargas", "Cáceres"],
    "CL": ["Muñoz", "Soto", "Contreras", "Silva", "Araya", "Fuentes", "Valenzuela", "Carrasco",
           "Tapia", "Núñez"],
}

# Share of each nationality among the people met (mostly Venezuelans, as reported).
NATIONALITY_WEIGHTS = {"VE": 0.72, "CO": 0.10, "HT": 0.08, "PE": 0.06, "CL": 0.04}
