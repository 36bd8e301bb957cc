"""Reading back the other side's Word file and comparing it with the standard contract.

The diff step's second face: ``contractgen diff`` compares two specs or libraries, this package
compares a standard contract with a DOCX the other side sent back. ``reader`` reads their file
safely (tracked changes, comments, our clause carriers); ``align`` maps their paragraphs to the
standard's clauses and makes the diff's document of them; ``report`` turns the diff's change set
into the ranked deviation list a lawyer reads; ``standard`` resolves what the user named as the
standard; ``outputs`` prints the report (text, HTML, JSON) or the DOCX redline.
"""
