"""Batch: one contract per row of a spreadsheet (XLSX, XLS, ODS or CSV), checked first, rendered on every core or a Dask cluster.

``sheet`` reads the rows, ``columns`` maps the header to spec fields, ``rows`` turns each row into
its spec and checks it by composing, ``run`` renders the good rows through an executor and writes
them with their specs and ``报告.xlsx`` (``report``), ``template`` writes an empty sheet to fill in.
The CLI's ``batch`` and ``batch-template`` and the web app's upload page are thin faces on these.
"""
