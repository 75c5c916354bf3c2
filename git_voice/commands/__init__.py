"""One module per ``git voice`` subcommand; each parses options and calls the library.

Modules here import only click and light helpers at the top; anything heavy
(torch, transformers, numpy, soundfile) is imported inside the command body.
"""
