"""`python -m nextline` runs the CLI."""

from nextline.cli import main

main()
