from hito.cli import app

app()
