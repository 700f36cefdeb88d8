"""The plan importer: a document (.docx, .pdf, .md, .txt, .html) becomes a draft plan.

    extract.py   file bytes -> Document (numbered text lines), with the safety checks
    sections.py  Document -> the numbered sections and headings
    header.py    title, issuer, number, date, year, plan-level period
    targets.py   targets with values, ranges and units
    tasks.py     tasks with lead/support units as written, time as written
    units.py     splitting unit lists as written
    times.py     time wording -> start, end, recurrence
    reporting.py reporting duties
    parse.py     Document -> draft (the JSON format of shared/plans/README.md plus source lines)
    evaluate.py  scores drafts against hand-made labels (kehoach eval-import)

The draft is reviewed by staff and then written by plans.services.plan_import.
"""
