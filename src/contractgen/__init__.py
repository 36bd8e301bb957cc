"""contractgen: Chinese service contracts from a YAML clause library.

The pipeline runs one way: ``library`` (YAML → validated library model) → ``compose`` (spec + library →
one immutable ``Contract``) → ``render`` (contract → DOCX, PDF, HTML, Markdown, JSON) and ``diff``
(two contracts or libraries → one ``ChangeSet``). ``cli`` only parses arguments and prints.
"""

__version__ = "0.1.0"
